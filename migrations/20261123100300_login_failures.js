/**
 * Login attempts per email (lowercased, whether or not an account has it) that have not
 * succeeded: how many since the window started, and until when further logins are refused. An
 * attempt is counted before its password is checked, so parallel guesses cannot get past the
 * limit; a successful login deletes its row (unless a lock is in force); rows whose window and
 * lock are over are pruned as failures come in.
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('login_failures', (t) => {
    t.text('email').primary();
    t.integer('attempts').notNullable();
    t.timestamp('window_started_at', { useTz: true }).notNullable();
    t.timestamp('locked_until', { useTz: true });
    t.index(['window_started_at']);
    t.check('attempts >= 0', [], 'login_failures_attempts_check');
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('login_failures');
};
