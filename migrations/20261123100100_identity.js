/**
 * Identity and access: organisations (vendors, certification centres, regulators), their users
 * with one role each, vendor API keys (only a hash of the secret is kept) and dashboard login
 * sessions (only a hash of the token is kept).
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('organisations', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable().unique();
    t.text('kind').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("kind in ('vendor', 'certification_centre', 'regulator')", [], 'organisations_kind_check');
  });
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.uuid('organisation_id').notNullable().references('id').inTable('organisations');
    // Stored lowercased by the service; the check keeps any other writer honest.
    t.text('email').notNullable().unique();
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('password_hash').notNullable();
    t.text('language').notNullable().defaultTo('en');
    t.timestamp('disabled_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
    t.check('email = lower(email)', [], 'users_email_lowercase_check');
    t.check("role in ('vendor', 'reviewer', 'lead_reviewer', 'rules_admin', 'admin')", [], 'users_role_check');
    t.check("language in ('en', 'ru')", [], 'users_language_check');
  });
  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary();
    t.uuid('organisation_id').notNullable().references('id').inTable('organisations');
    t.text('name').notNullable();
    t.text('prefix').notNullable().unique();
    t.text('secret_hash').notNullable();
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.index(['organisation_id']);
  });
  await knex.schema.createTable('sessions', (t) => {
    t.text('token_hash').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
    t.index(['user_id']);
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('api_keys');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('organisations');
};
