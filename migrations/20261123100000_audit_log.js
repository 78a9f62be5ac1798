/**
 * The audit trail: one append-only, hash-chained table. Every entry carries the hash of the
 * entry before it (`prev_hash`) and its own (`hash`, over `prev_hash` and its fields; see
 * src/audit/chain.ts), so an edited or deleted row shows up when the chain is verified.
 *
 * The database itself refuses UPDATE, DELETE and TRUNCATE on the table (triggers below). The
 * trigger function is created unqualified: it lands in the schema the migration runs in (the
 * first of the search_path), next to the table, so several schemas in one database each have
 * their own.
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('seq'); // the primary key
    t.uuid('id').notNullable().unique();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('actor_type').notNullable();
    t.text('actor_id');
    t.text('actor_name');
    t.uuid('organisation_id');
    t.text('action').notNullable();
    t.text('object_type').notNullable();
    t.text('object_id').notNullable();
    t.uuid('application_id');
    t.jsonb('before');
    t.jsonb('after');
    t.text('request_id');
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable().unique();
    t.index(['object_type', 'object_id']);
    t.index(['application_id']);
    // The chain is linear: no two entries follow the same one. appendAudit serialises appends
    // with an advisory lock; this makes a fork (e.g. a caller in REPEATABLE READ that read a
    // stale last entry) fail loudly instead of forking the chain.
    t.unique(['prev_hash']);
  });
  await knex.raw(`alter table audit_log add constraint audit_log_actor_type_check
    check (actor_type in ('user', 'api_key', 'cli', 'system', 'anonymous'))`);
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using detail = tg_op || ' refused';
    end
    $$`);
  await knex.raw(`create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only()`);
  await knex.raw(`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`);
};

exports.down = async function down(knex) {
  await knex.raw('drop trigger if exists audit_log_no_truncate on audit_log');
  await knex.raw('drop trigger if exists audit_log_no_update_delete on audit_log');
  await knex.raw('drop function if exists audit_log_append_only()');
  await knex.schema.dropTable('audit_log');
};
