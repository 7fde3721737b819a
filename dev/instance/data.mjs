// Demo data for the stand-in's Domain API and its demo users.
// Everything is deterministic (no randomness) so tests can assert on exact rows.

import { createHash } from 'node:crypto';

/** A stable GUID-shaped id derived from a label (so ids survive restarts). */
function guid(label) {
  const h = createHash('sha1').update(label).digest('hex');
  // Shape it like a version-5 UUID: xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const companies = [
  'Acme Trading', 'Blue River Foods', 'Cobalt Systems', 'Delta Logistics', 'Evergreen Retail',
  'Falcon Motors', 'Granite Works', 'Harbor Supplies', 'Ivory Textiles', 'Juniper Pharma',
  'Kestrel Aviation', 'Lumen Electric', 'Maple Furniture', 'Nova Chemicals', 'Orchid Cosmetics',
  'Pinnacle Steel', 'Quartz Optics', 'Redwood Timber', 'Summit Sports', 'Tidewater Marine',
  'Umbra Media', 'Vertex Software', 'Willow Gardens', 'Xenon Lighting', 'Yellowstone Outfitters',
];
const cities = ['Sofia', 'Plovdiv', 'Varna', 'Burgas', 'Ruse', 'Berlin', 'Vienna'];

export const customers = companies.map((name, i) => ({
  Id: guid(`customer-${i + 1}`),
  Number: `C${String(i + 1).padStart(4, '0')}`,
  Name: name,
  Email: `info@${name.toLowerCase().replace(/[^a-z]+/g, '-')}.example.com`,
  City: cities[i % cities.length],
  Active: i % 6 !== 5, // every sixth customer is inactive
  CreditLimit: 5000 + ((i * 7919) % 20) * 2500,
}));

const productNames = [
  ['Steel Bolt M8', 'Hardware'], ['Steel Bolt M10', 'Hardware'], ['Hex Nut M8', 'Hardware'],
  ['Hex Nut M10', 'Hardware'], ['Washer 8mm', 'Hardware'], ['Wood Screw 4x40', 'Hardware'],
  ['Cordless Drill', 'Tools'], ['Impact Driver', 'Tools'], ['Angle Grinder', 'Tools'],
  ['Claw Hammer', 'Tools'], ['Tape Measure 5m', 'Tools'], ['Spirit Level', 'Tools'],
  ['LED Bulb 9W', 'Electrical'], ['LED Bulb 12W', 'Electrical'], ['Extension Cord 5m', 'Electrical'],
  ['Wall Socket', 'Electrical'], ['Light Switch', 'Electrical'], ['Cable 3x1.5 (100m)', 'Electrical'],
  ['Office Chair', 'Furniture'], ['Standing Desk', 'Furniture'], ['Bookshelf', 'Furniture'],
  ['Filing Cabinet', 'Furniture'], ['Copy Paper A4', 'Office'], ['Ballpoint Pens (10)', 'Office'],
  ['Stapler', 'Office'], ['Sticky Notes', 'Office'], ['Whiteboard', 'Office'],
  ['Safety Gloves', 'Safety'], ['Safety Goggles', 'Safety'], ['Hard Hat', 'Safety'],
];

export const products = productNames.map(([name, category], i) => ({
  Id: guid(`product-${i + 1}`),
  PartNumber: `P-${1001 + i}`,
  Name: name,
  Category: category,
  Price: Math.round((1.5 + ((i * 37) % 50) * 4.75) * 100) / 100,
  Active: i % 10 !== 9, // every tenth product is discontinued
}));

/** OData entity sets served under /api/domain/odata/. */
export const entitySets = {
  Crm_Customers: customers,
  General_Products_Products: products,
};

/** Demo users; passwords are checked for real by the login page. */
export const users = new Map([
  ['demo', { sub: 'demo', password: 'demo-password', name: 'Demo User', email: 'demo@example.com' }],
  ['admin', { sub: 'admin', password: 'admin-password', name: 'Instance Admin', email: 'admin@example.com' }],
]);

export function userBySub(sub) {
  for (const u of users.values()) if (u.sub === sub) return u;
  return undefined;
}
