// @fastify/rate-limit's own stores, used by the fallback store in rate-limit.ts; the package types only its options.
declare module '@fastify/rate-limit/store/*.js' {
  import type { Redis } from 'ioredis';

  export interface RateLimitResult {
    current: number;
    ttl: number;
  }
  export type IncrCallback = (err: Error | null, result: RateLimitResult | null) => void;
  export interface RouteOptions {
    continueExceeding: boolean;
    exponentialBackoff: boolean;
    routeInfo: { method: string; url: string };
  }
  export interface Store {
    incr(key: string, callback: IncrCallback, timeWindow: number, max: number): void;
    child(routeOptions: RouteOptions): Store;
  }
  const StoreClass: {
    new (continueExceeding: boolean, exponentialBackoff: boolean, redisOrCache?: Redis | number, key?: string): Store;
  };
  export default StoreClass;
}
