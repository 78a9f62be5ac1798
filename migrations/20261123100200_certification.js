/**
 * Certification: systems owned by organisations; applications with their evidence checklist,
 * documents, history, countersignatures and overrides; certificates; incident reports; and the
 * replay store of idempotent requests.
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('systems', (t) => {
    t.uuid('organisation_id').references('id').inTable('organisations');
    t.index(['organisation_id']);
  });
  await knex.schema.createTable('applications', (t) => {
    t.uuid('id').primary();
    t.bigIncrements('seq', { primaryKey: false });
    t.text('kind').notNullable().defaultTo('initial');
    t.text('reason');
    t.uuid('parent_application_id').references('id').inTable('applications');
    t.uuid('system_id').notNullable();
    t.integer('version').notNullable();
    t.uuid('organisation_id').notNullable().references('id').inTable('organisations');
    t.uuid('centre_id').notNullable().references('id').inTable('organisations');
    t.text('state').notNullable();
    t.text('risk_tier').notNullable();
    t.boolean('four_eyes').notNullable();
    t.jsonb('classes').notNullable();
    t.uuid('assignee_id').references('id').inTable('users');
    t.timestamp('deadline', { useTz: true });
    t.integer('revision').notNullable().defaultTo(1);
    t.timestamp('state_entered_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('submitted_at', { useTz: true });
    t.timestamp('decided_at', { useTz: true });
    t.text('certificate_number');
    t.unique(['seq']);
    t.foreign(['system_id', 'version']).references(['system_id', 'number']).inTable('system_versions');
    t.index(['centre_id', 'state']);
    t.index(['organisation_id']);
    t.index(['system_id']);
  });
  await knex.raw(`alter table applications add constraint applications_kind_check check (kind in ('initial', 're_review'))`);
  await knex.raw(`alter table applications add constraint applications_tier_check check (risk_tier in ('highest', 'high', 'medium', 'low'))`);
  await knex.schema.createTable('application_evidence', (t) => {
    t.uuid('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.text('evidence_id').notNullable();
    t.integer('position').notNullable();
    t.jsonb('required_by').notNullable();
    t.text('status').notNullable();
    t.text('na_reason');
    t.text('review_decision');
    t.text('review_comment');
    t.text('reviewed_by_id');
    t.text('reviewed_by_name');
    t.timestamp('reviewed_at', { useTz: true });
    t.text('valid_from');
    t.text('valid_until');
    t.primary(['application_id', 'evidence_id']);
  });
  await knex.raw(`alter table application_evidence add constraint application_evidence_status_check check (status in ('missing', 'provided', 'not_applicable', 'accepted', 'rejected'))`);
  await knex.schema.createTable('documents', (t) => {
    t.uuid('id').primary();
    t.uuid('application_id').notNullable();
    t.text('evidence_id').notNullable();
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.bigInteger('size').notNullable();
    t.text('sha256').notNullable();
    t.binary('content');
    t.text('storage_path');
    t.text('uploaded_by_id');
    t.text('uploaded_by_name');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.foreign(['application_id', 'evidence_id']).references(['application_id', 'evidence_id']).inTable('application_evidence').onDelete('CASCADE');
    t.index(['application_id']);
  });
  await knex.schema.createTable('application_history', (t) => {
    t.bigIncrements('id');
    t.uuid('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.text('transition').notNullable();
    t.text('from_state');
    t.text('to_state').notNullable();
    t.text('comment');
    t.text('actor_id');
    t.text('actor_name');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['application_id']);
  });
  await knex.schema.createTable('countersignatures', (t) => {
    t.bigIncrements('id');
    t.uuid('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.text('transition').notNullable();
    t.text('comment').notNullable();
    t.text('actor_id').notNullable();
    t.text('actor_name');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['application_id']);
  });
  await knex.schema.createTable('overrides', (t) => {
    t.bigIncrements('id');
    t.uuid('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.text('framework').notNullable();
    t.text('engine_class');
    t.text('class').notNullable();
    t.text('justification').notNullable();
    t.text('actor_id');
    t.text('actor_name');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['application_id']);
  });
  await knex.schema.createTable('certificates', (t) => {
    t.text('number').primary();
    t.uuid('application_id').notNullable().references('id').inTable('applications');
    t.uuid('system_id').notNullable();
    t.integer('version').notNullable();
    t.uuid('organisation_id').notNullable().references('id').inTable('organisations');
    t.uuid('centre_id').notNullable().references('id').inTable('organisations');
    t.text('status').notNullable();
    t.boolean('re_review_required').notNullable().defaultTo(false);
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.timestamp('valid_until', { useTz: true }).notNullable();
    t.timestamp('status_changed_at', { useTz: true }).notNullable();
    t.jsonb('classes').notNullable();
    t.jsonb('rulesets').notNullable();
    t.index(['system_id']);
    t.index(['centre_id', 'issued_at']);
  });
  await knex.raw(`alter table certificates add constraint certificates_status_check check (status in ('valid', 'suspended', 'revoked', 'expired', 'superseded'))`);
  await knex.raw(`create sequence certificate_numbers`);
  await knex.schema.createTable('incidents', (t) => {
    t.uuid('id').primary();
    t.bigIncrements('seq', { primaryKey: false });
    t.uuid('system_id').notNullable().references('id').inTable('systems');
    t.integer('version').notNullable();
    t.text('certificate_number').notNullable().references('number').inTable('certificates');
    t.text('severity').notNullable();
    t.text('description').notNullable();
    t.text('occurred_on').notNullable();
    t.text('reported_by_id');
    t.text('reported_by_name');
    t.uuid('reporter_organisation_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.uuid('re_review_application_id').references('id').inTable('applications');
    t.index(['system_id']);
  });
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.text('state').notNullable();
    t.integer('status_code');
    t.jsonb('headers');
    t.text('body');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['scope', 'key']);
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('incidents');
  await knex.raw('drop sequence certificate_numbers');
  await knex.schema.dropTable('certificates');
  await knex.schema.dropTable('overrides');
  await knex.schema.dropTable('countersignatures');
  await knex.schema.dropTable('application_history');
  await knex.schema.dropTable('documents');
  await knex.schema.dropTable('application_evidence');
  await knex.schema.dropTable('applications');
  await knex.schema.alterTable('systems', (t) => {
    t.dropIndex(['organisation_id']);
    t.dropForeign(['organisation_id']);
    t.dropColumn('organisation_id');
  });
};
