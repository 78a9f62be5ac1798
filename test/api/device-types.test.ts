import { expectContract, openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';
import type { InjectOptions } from 'fastify';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => t.close());

const asVendor = (o: InjectOptions) => t.app.inject({ ...o, headers: { ...w.vendorKey.headers, ...(o.headers as Record<string, string> | undefined) } });
const asReviewer = (o: InjectOptions) => t.app.inject({ ...o, headers: { ...w.reviewer.headers, ...(o.headers as Record<string, string> | undefined) } });

/** A vendor new to the service, classifying a chest X-ray triage tool without knowing its predicate. */
const CXR = profile({
  name: 'ChestFlag',
  jurisdictions: ['US'],
  manufacturer: { name: 'New vendor', country: 'US' },
  intendedPurpose: 'Analyses chest X-rays for suspected pneumothorax and notifies the radiologist so that flagged studies are read first; it does not diagnose.',
  medicalPurpose: 'triage', significance: 'drive', situations: ['serious'], intendedUsers: ['specialist_physician'],
  autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true, modelType: 'deep_learning',
});

describe(`FDA device types through the API on ${databaseKind}`, () => {
  test('a chest X-ray triage tool with no predicate: class II by 510(k) under 892.2080, with product code, special controls and cleared devices; stored and read back pinned', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: CXR });
    expect(res.statusCode).toBe(200);
    expectContract('classifyProfile', res);
    const fda = res.json().results.find((r: { framework: string }) => r.framework === 'us-fda');
    expect(fda).toMatchObject({ ruleset: 'us-fda@1.3.0', class: 'II', pathway: '510k', disposition: 'determined' });
    expect(fda.deviceTypes).toMatchObject({ catalogue: 'fda-device-types@1.1.0', fit: 'one' });
    // The evidence list gains the special controls of the chosen type.
    const e28 = res.json().evidence.find((e: { id: string }) => e.id === 'E28');
    expect(e28).toMatchObject({ title: 'Special controls of the FDA device type', requiredBy: ['us-fda'], specialControls: [{ regulation: '892.2080', productCodes: ['QFM'], citation: '21 CFR 892.2080(b)' }] });
    const [m] = fda.deviceTypes.matches;
    expect(m).toMatchObject({ productCode: 'QFM', regulation: '892.2080', deviceClass: 'II', specialControls: { citation: '21 CFR 892.2080(b)' } });
    expect(m.decisions.length).toBeGreaterThan(0);

    const ru = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: CXR, headers: { 'accept-language': 'ru' } });
    const ruFda = ru.json().results.find((r: { framework: string }) => r.framework === 'us-fda');
    expect(ruFda.deviceTypes.matches[0].regulationTitle).toMatch(/сортировки и оповещения/);
    expect(ru.json().evidence.find((e: { id: string }) => e.id === 'E28')).toMatchObject({ title: 'Особые меры контроля типа изделия FDA', specialControls: [{ regulation: '892.2080' }] });

    const reg = await asVendor({ method: 'POST', url: '/v1/systems', payload: CXR });
    expect(reg.statusCode).toBe(201);
    const stored = reg.json().current.classification.results.find((r: { framework: string }) => r.framework === 'us-fda');
    expect(stored.deviceTypes).toEqual(fda.deviceTypes);
    const back = await asVendor({ method: 'GET', url: `/v1/systems/${reg.json().id}` });
    expect(back.json().current.classification.results.find((r: { framework: string }) => r.framework === 'us-fda').deviceTypes.catalogueHash).toBe(fda.deviceTypes.catalogueHash);
  });

  test('a genuinely new kind of software still gets De Novo', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: profile({ jurisdictions: ['US'], intendedPurpose: 'Predicts postoperative delirium from anaesthesia records.', medicalPurpose: 'prognosis', inputs: ['ehr_structured'], reviewableBasis: false, timeCritical: false }) });
    const fda = res.json().results.find((r: { framework: string }) => r.framework === 'us-fda');
    expect(fda).toMatchObject({ class: 'II', pathway: 'de_novo' });
    expect(fda.deviceTypes).toMatchObject({ fit: 'none', matches: [] });
  });

  test('look-up by code, regulation and words in English and Russian, paged', async () => {
    const byCode = await asVendor({ method: 'GET', url: '/v1/device-types?q=QFM' });
    expect(byCode.statusCode).toBe(200);
    expectContract('listDeviceTypes', byCode);
    expect(byCode.json().items[0].productCode).toBe('QFM');

    const byRegulation = await asReviewer({ method: 'GET', url: '/v1/device-types?q=892.2080' });
    expect(byRegulation.json().items.map((i: { productCode: string }) => i.productCode).sort()).toEqual(['QAS', 'QFM']);

    const ru = await asVendor({ method: 'GET', url: `/v1/device-types?q=${encodeURIComponent('сетчатк')}`, headers: { 'accept-language': 'ru' } });
    expect(ru.json().items.map((i: { productCode: string }) => i.productCode)).toEqual(['PIB']);
    expect(ru.json().items[0].name).toMatch(/сетчатки/);

    const first = await asVendor({ method: 'GET', url: '/v1/device-types?limit=10' });
    expect(first.json().items).toHaveLength(10);
    const second = await asVendor({ method: 'GET', url: `/v1/device-types?limit=10&cursor=${first.json().nextCursor}` });
    expect(second.json().items[0].productCode).not.toBe(first.json().items[0].productCode);
    const all = await asVendor({ method: 'GET', url: '/v1/device-types?limit=200' });
    expect(all.json().items.length).toBeGreaterThanOrEqual(40);
    expect(all.json().nextCursor).toBeNull();
  });

  test('one device type; unknown codes and bad input are problem+json in the caller language, anonymous is 401', async () => {
    const one = await asVendor({ method: 'GET', url: '/v1/device-types/PIB' });
    expect(one.statusCode).toBe(200);
    expectContract('getDeviceType', one);
    expect(one.json().deviceType).toMatchObject({ regulation: '886.1100', deNovo: { number: 'DEN180001' } });

    const missing = await asVendor({ method: 'GET', url: '/v1/device-types/ZZZ', headers: { 'accept-language': 'ru' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.json().detail).toMatch(/Кода продукции ZZZ нет/);
    const missingEn = await asVendor({ method: 'GET', url: '/v1/device-types/ZZZ' });
    expect(missingEn.json().detail).toMatch(/Product code ZZZ is not in fda-device-types@1\.1\.0/);

    expect((await asVendor({ method: 'GET', url: '/v1/device-types/qfm' })).statusCode).toBe(400);
    expect((await asVendor({ method: 'GET', url: '/v1/device-types?cursor=nonsense' })).statusCode).toBe(400);
    expect((await asVendor({ method: 'GET', url: '/v1/device-types?version=9.9.9' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/device-types' })).statusCode).toBe(401);
  });
});
