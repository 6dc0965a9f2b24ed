// The text of a field error, the same on the client as on the server.
import { fieldMessages, type FieldCode } from './field-messages';
import { getLang, t, type Lang } from './i18n';

/**
 * The text for a field error: a server code ("invalid_phone") in the words
 * the server's problem+json uses for it (field-messages.ts), or an i18n key
 * for a check only the client makes ("v.remindDays.format"). Shown with a
 * capital first letter by the stylesheet (.field-error::first-letter), so
 * the server's message and the client's read the same, letter for letter.
 */
export function fieldText(code: string, lang: Lang = getLang()): string {
  if (Object.hasOwn(fieldMessages, code)) return fieldMessages[code as FieldCode][lang];
  return t(code, {}, lang);
}
