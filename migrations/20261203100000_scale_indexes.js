/**
 * Indexes for reads that grow with the data:
 * - the public registry pages and exports by the keyset (issued_at, number), both directions:
 *   without it every page sorted all certificates;
 * - a certification centre's view of systems (the reviewer's systems list, its statistics): the
 *   systems with an application submitted to that centre, found from the centre rather than by
 *   probing every system.
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates', (t) => {
    t.index(['issued_at', 'number'], 'certificates_issued_at_number_index');
  });
  await knex.raw('create index applications_centre_submitted_system_index on applications (centre_id, system_id) where submitted_at is not null');
};

exports.down = async function down(knex) {
  await knex.raw('drop index if exists applications_centre_submitted_system_index');
  await knex.schema.alterTable('certificates', (t) => {
    t.dropIndex(['issued_at', 'number'], 'certificates_issued_at_number_index');
  });
};
