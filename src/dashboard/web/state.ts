import type { Schemas } from './api.js';

/** Who is logged in (null: nobody), shared by the pages. */
export const session: { me: Schemas['Principal'] | null } = { me: null };

export const role = () => session.me?.role ?? null;
export const isReviewer = () => role() === 'reviewer' || role() === 'lead_reviewer';
export const isLead = () => role() === 'lead_reviewer';
export const isVendor = () => role() === 'vendor';

/** A segment percent-decoded, or as it is when it is not valid percent-encoding (`#/x/%`). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The current hash route: `#/applications/<id>?x=y` → path segments and query. */
export type Route = { segments: string[]; query: URLSearchParams };
export function currentRoute(): Route {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, qs] = hash.split('?');
  return { segments: path.split('/').filter(Boolean).map(decodeSegment), query: new URLSearchParams(qs ?? '') };
}

export function go(path: string, query?: Record<string, string>): void {
  const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString() : '';
  location.hash = `#/${path}${qs ? `?${qs}` : ''}`;
}
