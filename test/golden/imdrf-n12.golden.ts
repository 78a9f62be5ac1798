import type { GoldenTable } from './types';

/** IMDRF/SaMD WG/N12FINAL:2014 (shared/domain/sources/imdrf-n12-2014.md): §7.4 and §10.1. */
export const table: GoldenTable = {
  doc: 'IMDRF N12',
  rows: [
    {
      doc: 'IMDRF N12',
      section: '§7.4 Category IV, example 1',
      example: 'diagnostic image analysis for making treatment decisions in patients with acute stroke (ischemic vs hemorrhagic)',
      profile: { medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] },
      expect: [{ framework: 'imdrf-samd', class: 'IV', disposition: 'determined' }],
      note: 'criteria IV.i: treat a patient in a critical, life-threatening, time-sensitive condition',
    },
  ],
  inexpressible: [],
};
