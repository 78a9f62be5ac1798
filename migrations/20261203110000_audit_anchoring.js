/**
 * The anchored audit trail (src/audit/anchor.ts):
 * - every entry carries an Ed25519 signature of its hash (`signature`, by the key `kid`), made
 *   with a key the database does not hold: a forged entry, appended or inserted, cannot be
 *   signed. Entries written before this migration have none (an unsigned prefix, which the
 *   checkpoints count);
 * - `audit_checkpoints`: the chain head (seq, hash, entries so far) signed as a compact JWS at
 *   intervals, each naming the one before; append-only like the trail.
 * The trigger function of audit_log serves both tables.
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('audit_log', (t) => {
    t.text('signature');
    t.text('kid');
  });
  await knex.schema.createTable('audit_checkpoints', (t) => {
    t.bigInteger('n').primary(); // 1, 2, 3 … with no gap
    t.bigInteger('seq').notNullable(); // the seq of the entry at the head
    t.text('hash').notNullable(); // its hash
    t.bigInteger('entries').notNullable(); // entries from the first up to it
    t.bigInteger('unsigned').notNullable(); // entries of the unsigned prefix
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('kid').notNullable();
    t.text('jws').notNullable(); // the signed statement of all of the above and the previous checkpoint's hash
  });
  await knex.raw(`create trigger audit_checkpoints_no_update_delete before update or delete on audit_checkpoints
    for each row execute function audit_log_append_only()`);
  await knex.raw(`create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function audit_log_append_only()`);
  // Whatever default privileges granted on the two tables, no role but their owner (who runs the
  // migrations) may change or empty them: the service's own role inserts and reads only.
  await knex.raw(`
    do $$
    declare r record;
    begin
      for r in
        select distinct g.grantee, g.table_name from information_schema.role_table_grants g
        where g.table_schema = current_schema() and g.table_name in ('audit_log', 'audit_checkpoints')
          and g.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES')
          and g.grantee <> (select tableowner from pg_tables where schemaname = current_schema() and tablename = g.table_name)
      loop
        execute format('revoke update, delete, truncate, trigger, references on %I from %s', r.table_name,
          case when r.grantee = 'PUBLIC' then 'public' else quote_ident(r.grantee) end);
      end loop;
    end
    $$`);
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_checkpoints');
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropColumn('signature');
    t.dropColumn('kid');
  });
};
