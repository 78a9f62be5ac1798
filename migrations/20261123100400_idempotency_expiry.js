/** Idempotency keys expire (IDEMPOTENCY_KEY_HOURS): each claim deletes the expired ones by created_at. */
exports.up = async function up(knex) {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.index(['created_at'], 'idempotency_keys_created_at_index');
  });
};

exports.down = async function down(knex) {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropIndex(['created_at'], 'idempotency_keys_created_at_index');
  });
};
