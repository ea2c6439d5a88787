import { normalizePhone } from '../../domain/phone.js';
import { hotlineError } from '../../domain/errors.js';

/** Phone numbers from the API are compared and stored in the domain's one canonical form. */
export function normalizePhoneOrFail(raw: string, location: 'querystring' | 'body', field: string): string {
  const phone = normalizePhone(raw);
  if (phone === null) {
    throw hotlineError('HOTLINE_ERR_VALIDATION', `${location}/${field} is not a phone number`, {
      in: location,
      field,
    });
  }
  return phone;
}
