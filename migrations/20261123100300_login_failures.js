/**
 * Failed logins per email (lowercased, whether or not an account has it): how many since the
 * first of the current window, and until when further logins are refused. A successful login
 * deletes its row; rows whose window and lock are over are pruned as failures come in.
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('login_failures', (t) => {
    t.text('email').primary();
    t.integer('failures').notNullable();
    t.timestamp('first_failed_at', { useTz: true }).notNullable();
    t.timestamp('locked_until', { useTz: true });
    t.index(['first_failed_at']);
    t.check('failures >= 0', [], 'login_failures_failures_check');
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('login_failures');
};
