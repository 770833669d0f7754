/**
 * Numbers typed into forms, read strictly. `z.coerce.number` reads a field with `Number()`, which
 * accepts "0x10" (16), "1e3" (1000), "Infinity", and "" or "  " as 0; a person never means
 * those. Here a field must be an optional minus sign and digits (a decimal point and digits after
 * it where `decimals` is allowed), with surrounding spaces ignored; anything else reaches the
 * number schema as text and fails with that schema's own message.
 *
 * Pure (zod only), so server schemas, domain schemas and the browser's offline queue share it.
 */
import { z } from "zod";

const WHOLE = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * Wraps a number schema (its messages and bounds) so that a submitted string is read as a number
 * only when it is written plainly: `strictNumber(z.number({ message }).int().min(1))`.
 */
export function strictNumber<T extends z.ZodType>(schema: T, options: { decimals?: boolean } = {}) {
  const pattern = options.decimals ? DECIMAL : WHOLE;
  return z.preprocess((value) => {
    if (typeof value !== "string") return value;
    const trimmed = value.trim();
    return pattern.test(trimmed) ? Number(trimmed) : value;
  }, schema);
}
