// Demo data for the stand-in's Domain API and its demo users.
// Everything is deterministic (no randomness) so tests can assert on exact rows.

import { createHash } from 'node:crypto';

/**
 * A stable GUID for row `n` of a set: the first group is the row number, so ordering by Id
 * (ERP.net's default order, which its $skiptoken paging follows) is the order the rows are
 * listed here; the rest is a hash of the label, so ids survive restarts.
 */
function guid(prefix, n) {
  const h = createHash('sha1').update(`${prefix}-${n}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${String(n).padStart(8, '0')}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A multi-language string as ERP.net sends it. */
const ml = (en, bg) => (bg ? { EN: en, BG: bg } : { EN: en });
/** An amount as ERP.net sends it. */
const amount = (value, currency = 'BGN') => ({ Value: value, Currency: currency });
/** A quantity as ERP.net sends it. */
const quantity = (value, unit = 'pcs') => ({ Value: value, Unit: unit });
/** A reference as ERP.net sends it (no $expand). */
export const ref = (set, id) => ({ '@odata.id': `${set}(${id})` });
/** A date (day precision) n days after 2024-01-01, as an OData DateTimeOffset. */
const day = (n) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().replace('.000Z', 'Z');

const companies = [
  'Acme Trading', 'Blue River Foods', 'Cobalt Systems', 'Delta Logistics', 'Evergreen Retail',
  'Falcon Motors', 'Granite Works', 'Harbor Supplies', 'Ivory Textiles', 'Juniper Pharma',
  'Kestrel Aviation', 'Lumen Electric', 'Maple Furniture', 'Nova Chemicals', 'Orchid Cosmetics',
  'Pinnacle Steel', 'Quartz Optics', 'Redwood Timber', 'Summit Sports', 'Tidewater Marine',
  'Umbra Media', 'Vertex Software', 'Willow Gardens', 'Xenon Lighting', 'Yellowstone Outfitters',
];
const companiesBg = [
  'Акме Трейдинг', 'Синя река храни', 'Кобалт системи', 'Делта логистика', 'Евъргрийн ритейл',
];
const cities = ['Sofia', 'Plovdiv', 'Varna', 'Burgas', 'Ruse', 'Berlin', 'Vienna'];

/**
 * A field of an entity set: `kind` says when it is in a row (ERP.net leaves `Id`, custom and
 * calculated attributes and child lists out unless selected). `ref` names the set a
 * reference points to; `child` the set of a child list.
 */
const f = (name, kind = 'default', extra = {}) => ({ name, kind, ...extra });

export const companyRows = companies.map((name, i) => ({
  Id: guid('company', i + 1),
  Name: ml(name, companiesBg[i]),
  RegistrationNumber: `BG${String(200000000 + i * 7919).slice(0, 9)}`,
  City: cities[i % cities.length],
  Parent: null,
}));

// The older Crm_Customers set: flat rows (no multi-language names), kept for old clients.
export const customers = companies.map((name, i) => ({
  Id: guid('customer', i + 1),
  Number: `C${String(i + 1).padStart(4, '0')}`,
  Name: name,
  Email: `info@${name.toLowerCase().replace(/[^a-z]+/g, '-')}.example.com`,
  City: cities[i % cities.length],
  Active: i % 6 !== 5, // every sixth customer is inactive
  CreditLimit: amount(5000 + ((i * 7919) % 20) * 2500),
}));

export const salesCustomers = companyRows.map((c, i) => ({
  Id: guid('sales-customer', i + 1),
  Number: `C${String(i + 1).padStart(4, '0')}`,
  Party: ref('General_Contacts_Companies', c.Id),
  Active: i % 6 !== 5,
  CreditLimit: amount(5000 + ((i * 7919) % 20) * 2500),
  CreationTime: day(i * 3),
  Notes: i % 4 === 0 ? null : `Customer since ${2010 + (i % 12)}`,
  CustomProperty_Segment: ['Retail', 'Wholesale', 'Online'][i % 3],
}));

const firstNames = ['Maria', 'Ivan', 'Elena', 'Georgi', 'Anna', 'Petar', 'Sofia', 'Dimitar', 'Vera', 'Nikolay'];
const lastNames = ['Ivanova', 'Petrov', 'Georgieva', 'Dimitrov', 'Nikolova', 'Stoyanov', 'Todorova', 'Kolev'];
const firstNamesBg = ['Мария', 'Иван', 'Елена', 'Георги', 'Анна', 'Петър', 'София', 'Димитър', 'Вера', 'Николай'];
/** 1200 persons: enough for pages of 1000 (performance measurements). */
export const persons = Array.from({ length: 1200 }, (_, i) => {
  const first = i % firstNames.length;
  const last = lastNames[(i * 7) % lastNames.length];
  return {
    Id: guid('person', i + 1),
    FirstName: ml(firstNames[first], firstNamesBg[first]),
    LastName: ml(last),
    Email: `${firstNames[first].toLowerCase()}.${last.toLowerCase()}${i + 1}@example.com`,
    BirthDate: day(-9000 - ((i * 97) % 12000)),
    Active: i % 9 !== 8,
    Company: i % 5 === 4 ? null : ref('General_Contacts_Companies', companyRows[i % companyRows.length].Id),
  };
});

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
const productNamesBg = { 'Steel Bolt M8': 'Стоманен болт M8', 'Claw Hammer': 'Чук', 'Office Chair': 'Офис стол' };

export const products = productNames.map(([name, category], i) => ({
  Id: guid('product', i + 1),
  PartNumber: `P-${1001 + i}`,
  Name: ml(name, productNamesBg[name]),
  Category: category,
  StandardLotSizeBase: quantity(1 + (i % 4) * 5, i % 7 === 6 ? 'kg' : 'pcs'),
  Price: amount(Math.round((1.5 + ((i * 37) % 50) * 4.75) * 100) / 100, 'EUR'),
  Active: i % 10 !== 9, // every tenth product is discontinued
  CalculatedAttribute_Margin: Math.round(((i * 13) % 40) + 10),
}));

export const salesOrders = Array.from({ length: 60 }, (_, i) => {
  const lines = Array.from({ length: 1 + (i % 3) }, (_, l) => {
    const p = products[(i * 3 + l) % products.length];
    const qty = 1 + ((i + l) % 5);
    return {
      LineNo: l + 1,
      Product: ref('General_Products_Products', p.Id),
      Quantity: quantity(qty, p.StandardLotSizeBase.Unit),
      UnitPrice: amount(p.Price.Value, 'EUR'),
    };
  });
  const total = lines.reduce((s, l) => s + l.Quantity.Value * l.UnitPrice.Value, 0);
  return {
    Id: guid('sales-order', i + 1),
    DocumentNo: `SO-${String(1001 + i)}`,
    DocumentDate: day(i * 2),
    Customer: ref('Crm_Sales_Customers', salesCustomers[i % salesCustomers.length].Id),
    State: ['New', 'Planned', 'Released', 'Completed'][i % 4],
    TotalAmount: amount(Math.round(total * 100) / 100, 'EUR'),
    Lines: lines,
  };
});

/**
 * OData entity sets served under /api/domain/odata/: rows, their fields (see `f`) and the
 * display name currentmodel gives.
 */
export const entitySets = {
  Crm_Customers: {
    label: 'Customers (old set)',
    rows: customers,
    fields: [f('Id', 'id'), f('Number'), f('Name'), f('Email'), f('City'), f('Active'), f('CreditLimit')],
  },
  Crm_Sales_Customers: {
    label: 'Customers',
    rows: salesCustomers,
    fields: [f('Id', 'id'), f('Number'), f('Party', 'default', { ref: 'General_Contacts_Companies' }), f('Active'),
      f('CreditLimit'), f('CreationTime'), f('Notes'), f('CustomProperty_Segment', 'custom')],
  },
  General_Contacts_Companies: {
    label: 'Companies',
    rows: companyRows,
    fields: [f('Id', 'id'), f('Name'), f('RegistrationNumber'), f('City'), f('Parent', 'default', { ref: 'General_Contacts_Companies' })],
  },
  General_Contacts_Persons: {
    label: 'Persons',
    rows: persons,
    fields: [f('Id', 'id'), f('FirstName'), f('LastName'), f('Email'), f('BirthDate'), f('Active'),
      f('Company', 'default', { ref: 'General_Contacts_Companies' })],
  },
  General_Products_Products: {
    label: 'Products',
    rows: products,
    fields: [f('Id', 'id'), f('PartNumber'), f('Name'), f('Category'), f('StandardLotSizeBase'), f('Price'), f('Active'),
      f('CalculatedAttribute_Margin', 'calculated')],
  },
  Crm_Sales_SalesOrders: {
    label: 'Sales orders',
    rows: salesOrders,
    fields: [f('Id', 'id'), f('DocumentNo'), f('DocumentDate'), f('Customer', 'default', { ref: 'Crm_Sales_Customers' }),
      f('State'), f('TotalAmount'), f('Lines', 'child')],
  },
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
