/**
 * Reading database rows the same way on PostgreSQL (pg) and PGlite: timestamps come as Date or
 * text, jsonb as an object or text, absent values as null or undefined.
 */
export const iso = (v: unknown): string => new Date(v as string).toISOString();
export const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));
export const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
export const textOrNull = (v: unknown): string | null => (v == null ? null : String(v));
