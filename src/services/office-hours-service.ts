import type { Logger } from 'pino';
import type { AmiClient } from '../adapters/ami/ami-client.js';
import type { SettingsRepo } from '../domain/cases/ports.js';
import {
  holidayGregorianDates,
  isOpen,
  nextOpening,
  type OfficeHoursConfig,
  type OverrideMode,
} from '../domain/calendar/office-hours.js';

const OVERRIDE_KEY = 'hours.override';
/** How far ahead the dialplan fallback is told about holidays. */
const HOLIDAY_HORIZON_DAYS = 60;

export interface OfficeHoursStatus {
  open: boolean;
  mode: OverrideMode;
  nextOpening: string | null;
}

/**
 * Office hours as the engine and the dialplan both see them. The override lives in the
 * database (it survives restarts) and is mirrored, with the coming holidays, into
 * Asterisk's AstDB so the dialplan can decide by itself when the engine is down.
 */
export class OfficeHoursService {
  private override: OverrideMode = 'auto';

  constructor(
    private readonly deps: {
      config: OfficeHoursConfig;
      settings: SettingsRepo;
      ami: Pick<AmiClient, 'action' | 'isConnected'>;
      logger: Logger;
      /** The engine's clock (a test's, in tests); the real one by default. */
      now?: () => Date;
    },
  ) {}

  async load(): Promise<void> {
    this.override = parseMode(await this.deps.settings.get(OVERRIDE_KEY));
  }

  /** Synchronous: the IVR asks on every event. */
  isOpen(now: Date): boolean {
    return isOpen(now, this.deps.config, this.override);
  }

  getOverride(): OverrideMode {
    return this.override;
  }

  async setOverride(mode: OverrideMode, actor: string): Promise<void> {
    await this.deps.settings.set(OVERRIDE_KEY, mode);
    this.override = mode;
    this.deps.logger.info({ mode, actor }, 'office hours override changed');
    await this.syncToAsterisk(this.deps.now?.() ?? new Date()).catch((err: Error) =>
      this.deps.logger.warn({ err: err.message }, 'override not mirrored to Asterisk yet (AMI down?); will retry on reconnect'),
    );
  }

  status(now: Date): OfficeHoursStatus {
    const open = this.isOpen(now);
    return {
      open,
      mode: this.override,
      nextOpening: open || this.override === 'closed' ? null : nextOpening(now, this.deps.config).toISOString(),
    };
  }

  /** Writes the override and the coming holidays into AstDB for the dialplan fallback. */
  async syncToAsterisk(now: Date): Promise<void> {
    const { ami } = this.deps;
    if (!ami.isConnected()) throw new Error('AMI is not connected');
    await ami.action({ action: 'DBPut', family: 'hotline', key: 'override', val: this.override });
    await ami.action({ action: 'DBDelTree', family: 'hotline-holiday' }).catch(() => undefined);
    for (const date of holidayGregorianDates(this.deps.config, now, HOLIDAY_HORIZON_DAYS)) {
      await ami.action({ action: 'DBPut', family: 'hotline-holiday', key: date, val: '1' });
    }
  }
}

function parseMode(value: string | null): OverrideMode {
  return value === 'open' || value === 'closed' ? value : 'auto';
}
