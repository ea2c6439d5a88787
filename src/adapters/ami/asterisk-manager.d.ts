// asterisk-manager ships no types; this is the part of its API the AMI client uses.
declare module 'asterisk-manager' {
  import type { EventEmitter } from 'node:events';

  interface Manager extends EventEmitter {
    options: { port: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: (err: Error | null) => void): void;
    login(callback?: (err?: Record<string, string>) => void): void;
    action(action: Record<string, unknown>, callback?: (err: Record<string, string> | undefined, res: Record<string, string>) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
  }

  function AsteriskManager(port?: number, host?: string, username?: string, password?: string, events?: boolean): Manager;
  export = AsteriskManager;
}
