import type { components } from '../generated/openapi';

export type Lang = 'en' | 'ru';
export type ClassificationResult = components['schemas']['ClassificationResult'];
export type SystemDetail = components['schemas']['System'];
export type SystemVersion = components['schemas']['SystemVersion'];
export type RulesetSummary = components['schemas']['RulesetSummary'];
export type ApplicationSummary = components['schemas']['ApplicationSummary'];
export type Certificate = components['schemas']['Certificate'];

/** An answer of the service that is not a success: its problem+json, shown to the user as it came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: Array<{ pointer?: string; detail?: string }> } | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ClientOptions = { baseUrl: string; apiKey?: string; lang: Lang; fetchImpl?: typeof fetch };

/** The few calls the command line makes, over the public HTTP API. */
export function createClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetchImpl ?? fetch;

  async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { 'accept-language': options.lang, ...headers };
    if (options.apiKey) h.authorization = `Bearer ${options.apiKey}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const c = (err as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
      throw new ApiError(0, null, options.lang === 'ru' ? `Сервис ${base} недоступен (${cause})` : `Cannot reach the service at ${base} (${cause})`);
    }
    if (res.ok) return res;
    const text = await res.text();
    let problem: ApiError['problem'] = null;
    try {
      problem = JSON.parse(text) as ApiError['problem'];
    } catch {
      problem = null;
    }
    const fields = problem?.errors?.map((e) => `${e.pointer ?? ''} ${e.detail ?? ''}`.trim()).filter(Boolean) ?? [];
    const head = problem?.detail ?? problem?.title ?? text.slice(0, 200);
    throw new ApiError(res.status, problem, `${res.status} ${head}${fields.length ? `: ${fields.join('; ')}` : ''}`);
  }

  const json = async <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> =>
    (await (await request(method, path, body, headers)).json()) as T;

  return {
    classify: (profile: unknown) => json<ClassificationResult>('POST', '/v1/classifications', profile),
    system: (id: string) => json<SystemDetail>('GET', `/v1/systems/${encodeURIComponent(id)}`),
    addVersion: (id: string, profile: unknown, idempotencyKey: string) =>
      json<SystemVersion>('POST', `/v1/systems/${encodeURIComponent(id)}/versions`, profile, { 'idempotency-key': idempotencyKey }),
    rulesets: async () => (await json<{ items: RulesetSummary[] }>('GET', '/v1/rulesets')).items,
    applications: async () => {
      const all: ApplicationSummary[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
        const page: { items: ApplicationSummary[]; nextCursor: string | null } = await json('GET', `/v1/applications${q}`);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
    certificate: (num: string) => json<Certificate>('GET', `/v1/certificates/${encodeURIComponent(num)}`),
    report: async (applicationId: string) => {
      const res = await request('GET', `/v1/applications/${encodeURIComponent(applicationId)}/report.pdf?lang=${options.lang}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

export type Client = ReturnType<typeof createClient>;
