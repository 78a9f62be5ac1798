/** Counters of the rate limits when RATE_LIMIT_STORE=database: one row per key and window. */
exports.up = async function up(knex) {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 200).primary();
    t.integer('count').notNullable();
    // Milliseconds since the epoch, by the clock of the instance that opened the window.
    t.bigInteger('window_ends_at').notNullable();
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('rate_limits');
};
