// negotiator 1.x ships no types (and @types/negotiator describes 0.6, without `preferred`); this is the part we use.
declare module 'negotiator' {
  interface RequestLike {
    headers: Record<string, string | string[] | undefined>;
  }
  export default class Negotiator {
    constructor(request: RequestLike);
    /** The best of `available` for the request's Accept-Encoding; ties go to the earlier in `preferred`. */
    encoding(available: string[], options?: { preferred?: string[] }): string | undefined;
  }
}
