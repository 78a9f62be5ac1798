/**
 * Four eyes after the fact: a transition of a four-eyes application that takes effect at once
 * (`fourEyes: lead_confirmation` in rules/workflow) waits here for a lead reviewer's
 * confirmation until `due_at`; unconfirmed by then, it lapses (undone, audited).
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('four_eyes_confirmations', (t) => {
    t.uuid('id').primary();
    t.uuid('application_id').notNullable().references('id').inTable('applications');
    t.text('transition').notNullable();
    t.text('from_state').notNullable();
    t.text('to_state').notNullable();
    t.text('requested_by_id');
    t.text('requested_by_name');
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('settled_by_id');
    t.text('settled_by_name');
    t.timestamp('settled_at', { useTz: true });
    t.text('outcome'); // null: pending; confirmed; lapsed; superseded (another transition came first)
    t.index(['application_id']);
    t.index(['due_at']);
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('four_eyes_confirmations');
};
