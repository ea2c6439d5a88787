import { hotlineError } from '../../domain/errors.js';

/**
 * AMI is a line protocol: a CR or LF inside a value ends the header and starts another,
 * so a display name like `Ali\r\n\r\nAction: Command` would run a second action with the
 * engine's AMI rights. asterisk-manager writes values as they are; this is the one check
 * every action passes, whatever the route in front of it validated.
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Header names as AMI spells them; a colon or space would shift the value into the name. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function assertSafeAmiFields(fields: Record<string, string | number | undefined>): void {
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name)) {
      throw hotlineError('HOTLINE_ERR_VALIDATION', `AMI field name ${JSON.stringify(name)} is not allowed; the action was not sent`);
    }
    if (typeof value === 'string' && CONTROL.test(value)) {
      throw hotlineError(
        'HOTLINE_ERR_VALIDATION',
        `AMI field ${name} contains a control character (CR, LF, NUL, …); the action was not sent`,
      );
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw hotlineError('HOTLINE_ERR_VALIDATION', `AMI field ${name} is not a finite number; the action was not sent`);
    }
  }
}
