// Countries the console needs to name or draw: the centre's members and observers, and the
// states around them on the map. Names come from the browser (Intl.DisplayNames) in the
// person's language, so only codes are kept here.

/** The parties to the CARICC Agreement (the hub's directory seed). */
export const MEMBERS = ['AZE', 'KAZ', 'KGZ', 'RUS', 'TJK', 'TKM', 'UZB'];

/** Observer states (the organisations INTERPOL and SELEC have no territory to draw). */
export const OBSERVER_STATES = ['AFG', 'AUT', 'CAN', 'CHN', 'FIN', 'FRA', 'DEU', 'ITA', 'PAK', 'ROU', 'TUR', 'GBR', 'UKR', 'USA'];

/** Observer organisations. */
export const OBSERVER_ORGANISATIONS = ['INTERPOL', 'SELEC'];

/** The code people of the centre carry in their `country` claim. */
export const CENTRE = 'CARICC';

// ISO 3166-1 alpha-3 → alpha-2 (for Intl.DisplayNames) and numeric (world-atlas ids).
// Members, observers and the states on or near the map's frame.
const CODES = {
  AFG: ['AF', '004'], ARE: ['AE', '784'], ARM: ['AM', '051'], AUT: ['AT', '040'], AZE: ['AZ', '031'],
  BGD: ['BD', '050'], BGR: ['BG', '100'], BHR: ['BH', '048'], BLR: ['BY', '112'], BTN: ['BT', '064'],
  CAN: ['CA', '124'], CHN: ['CN', '156'], CYP: ['CY', '196'], CZE: ['CZ', '203'], DEU: ['DE', '276'],
  EGY: ['EG', '818'], EST: ['EE', '233'], FIN: ['FI', '246'], FRA: ['FR', '250'], GBR: ['GB', '826'],
  GEO: ['GE', '268'], GRC: ['GR', '300'], HUN: ['HU', '348'], IND: ['IN', '356'], IRN: ['IR', '364'],
  IRQ: ['IQ', '368'], ISR: ['IL', '376'], ITA: ['IT', '380'], JOR: ['JO', '400'], KAZ: ['KZ', '398'],
  KGZ: ['KG', '417'], KWT: ['KW', '414'], LBN: ['LB', '422'], LTU: ['LT', '440'], LVA: ['LV', '428'],
  MDA: ['MD', '498'], MMR: ['MM', '104'], MNG: ['MN', '496'], NPL: ['NP', '524'], NOR: ['NO', '578'],
  OMN: ['OM', '512'], PAK: ['PK', '586'], POL: ['PL', '616'], QAT: ['QA', '634'], ROU: ['RO', '642'],
  RUS: ['RU', '643'], SAU: ['SA', '682'], SVK: ['SK', '703'], SWE: ['SE', '752'], SYR: ['SY', '760'],
  TJK: ['TJ', '762'], TKM: ['TM', '795'], TUR: ['TR', '792'], UKR: ['UA', '804'], USA: ['US', '840'],
  UZB: ['UZ', '860'], YEM: ['YE', '887'], KOR: ['KR', '410'], PRK: ['KP', '408'], JPN: ['JP', '392'],
};

const BY_NUMERIC = Object.fromEntries(Object.entries(CODES).map(([alpha3, [, numeric]]) => [numeric, alpha3]));

/** The alpha-3 code of a world-atlas feature id ("398" → "KAZ"), or null. */
export function alpha3OfNumeric(id) {
  if (id === undefined || id === null) {
    return null;
  }
  return BY_NUMERIC[String(id).padStart(3, '0')] ?? null;
}

/** 'member', 'observer' or 'other'. */
export function statusOf(code) {
  if (MEMBERS.includes(code)) {
    return 'member';
  }
  if (OBSERVER_STATES.includes(code) || OBSERVER_ORGANISATIONS.includes(code)) {
    return 'observer';
  }
  return 'other';
}

const ORGANISATION_NAMES = {
  en: { CARICC: 'CARICC (the centre)', INTERPOL: 'INTERPOL', SELEC: 'SELEC' },
  ru: { CARICC: 'ЦАРИКЦ (центр)', INTERPOL: 'Интерпол', SELEC: 'SELEC' },
};

const displayNames = new Map();

// Names a country uses for itself where the browser's locale data says otherwise (CLDR's
// Russian has «Киргизия»; the Kyrgyz Republic's own Russian name is «Кыргызстан»).
const OWN_NAMES = { ru: { KGZ: 'Кыргызстан' } };

/** The country's (or organisation's) name in the language, falling back to the code. */
export function countryName(code, language) {
  if (!code) {
    return '';
  }
  const organisation = ORGANISATION_NAMES[language]?.[code] ?? OWN_NAMES[language]?.[code];
  if (organisation) {
    return organisation;
  }
  const alpha2 = CODES[code]?.[0];
  if (!alpha2) {
    return code;
  }
  try {
    if (!displayNames.has(language)) {
      displayNames.set(language, new Intl.DisplayNames([language], { type: 'region' }));
    }
    return displayNames.get(language).of(alpha2) ?? code;
  } catch {
    return code;
  }
}

/** Every participant a record can be addressed to: members, observer states and organisations. */
export function participants() {
  return [...MEMBERS, ...OBSERVER_STATES, ...OBSERVER_ORGANISATIONS];
}
