/**
 * Systems, their profile versions with the classification each got, and the rule packs those
 * classifications were pinned to (kept by hash so a classification can be replayed later).
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rulesets', (t) => {
    t.text('hash').primary();
    t.text('ruleset').notNullable();
    t.text('framework').notNullable();
    t.text('version').notNullable();
    t.jsonb('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['framework', 'version']);
  });
  await knex.schema.createTable('systems', (t) => {
    t.uuid('id').primary();
    t.bigIncrements('seq', { primaryKey: false });
    t.text('name').notNullable();
    t.text('manufacturer').notNullable();
    t.integer('current_version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['seq']);
  });
  await knex.schema.createTable('system_versions', (t) => {
    t.uuid('system_id').notNullable().references('id').inTable('systems').onDelete('CASCADE');
    t.integer('number').notNullable();
    t.jsonb('profile').notNullable();
    t.text('profile_hash').notNullable();
    t.jsonb('classification').notNullable();
    t.jsonb('change_assessment');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['system_id', 'number']);
  });
  await knex.schema.createTable('system_classes', (t) => {
    t.uuid('system_id').notNullable();
    t.integer('number').notNullable();
    t.text('framework').notNullable();
    t.text('class');
    t.text('disposition').notNullable();
    t.text('ruleset').notNullable();
    t.text('ruleset_hash').notNullable().references('hash').inTable('rulesets');
    t.primary(['system_id', 'number', 'framework']);
    t.foreign(['system_id', 'number']).references(['system_id', 'number']).inTable('system_versions').onDelete('CASCADE');
    t.index(['framework', 'class']);
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('system_classes');
  await knex.schema.dropTable('system_versions');
  await knex.schema.dropTable('systems');
  await knex.schema.dropTable('rulesets');
};
