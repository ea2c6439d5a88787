/**
 * GeoReport v2's XML format, for clients that speak only XML (FixMyStreet's Open311
 * module asks for `services.xml` and `requests.xml` and reads them with XML::Simple).
 * The same documents as the JSON ones: a root element, a list of items, and fields as
 * child elements; a list field is an element holding one child per item.
 */

/** For each list the spec names: the element of one item (`services` → `service`). */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>';

/** Characters XML 1.0 cannot carry at all (escaping does not help): dropped. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}></${name}>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>).map(([k, v]) => element(k, v));
    return `<${name}>${children.join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole document: `toXml('services', [...])` → `<services><service>…</service></services>`. */
export function toXml(root: string, value: unknown): string {
  return XML_HEAD + element(root, value);
}
