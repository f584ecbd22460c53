/**
 * Word lists for the sandbox seed: small, hand-picked and realistic, so the demo reads like a
 * real CRM without shipping any external data set. Names are grouped by culture so that a
 * contact at a company in Munich is more often called Weber than Tanaka.
 */

export type Culture = 'anglo' | 'nordic' | 'german' | 'romance' | 'asian';

// prettier-ignore
export const FIRST_NAMES: Readonly<Record<Culture, readonly string[]>> = {
  anglo: ['Olivia', 'James', 'Amelia', 'Jack', 'Charlotte', 'Noah', 'Grace', 'Liam', 'Emily',
    'Ethan', 'Hannah', 'Owen', 'Chloe', 'Ryan', 'Megan', 'Daniel', 'Sarah', 'Marcus', 'Aisha',
    'Tyler'],
  nordic: ['Erik', 'Astrid', 'Lars', 'Ingrid', 'Nils', 'Freja', 'Magnus', 'Sigrid', 'Oskar',
    'Maja', 'Henrik', 'Linnea', 'Mikkel', 'Elin', 'Søren', 'Ida', 'Aksel', 'Saga'],
  german: ['Lukas', 'Anna', 'Jonas', 'Lena', 'Felix', 'Marie', 'Maximilian', 'Sophie', 'Paul',
    'Laura', 'Tobias', 'Julia', 'Florian', 'Katharina', 'Jan', 'Sanne', 'Daan', 'Lotte'],
  romance: ['Lucía', 'Mateo', 'Chiara', 'Lorenzo', 'Camille', 'Hugo', 'Inès', 'Diego', 'Giulia',
    'Marco', 'Sofía', 'Pablo', 'Léa', 'Tomás', 'Beatriz', 'Matteo', 'Élodie', 'João'],
  asian: ['Kenji', 'Yuki', 'Haruto', 'Sakura', 'Wei', 'Mei', 'Jun', 'Li', 'Arjun', 'Priya',
    'Rohan', 'Ananya', 'Min-jun', 'Ji-woo', 'Siti', 'Ravi', 'Hana', 'Kai'],
};

// prettier-ignore
export const LAST_NAMES: Readonly<Record<Culture, readonly string[]>> = {
  anglo: ['Smith', 'Johnson', 'Williams', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans',
    'Thompson', 'Walker', 'Harris', "O'Brien", 'Murphy', 'Clarke', 'Hughes', 'Campbell',
    'Bennett', 'Reid', 'Foster', 'Hale'],
  nordic: ['Lindqvist', 'Andersson', 'Johansson', 'Berg', 'Dahl', 'Holm', 'Nielsen', 'Hansen',
    'Larsen', 'Virtanen', 'Korhonen', 'Eriksson', 'Nyström', 'Solberg', 'Lund', 'Strand'],
  german: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann',
    'Schulz', 'Keller', 'Huber', 'de Vries', 'Jansen', 'Bakker', 'Visser', 'Brandt'],
  romance: ['García', 'Martínez', 'Romano', 'Bianchi', 'Rossi', 'Dubois', 'Moreau', 'Laurent',
    'Fernández', 'Ortega', 'Duarte', 'Silva', 'Costa', 'Ricci', 'Lefèvre', 'Navarro'],
  asian: ['Tanaka', 'Watanabe', 'Sato', 'Suzuki', 'Chen', 'Wang', 'Lim', 'Tan', 'Ng', 'Sharma',
    'Patel', 'Iyer', 'Kim', 'Park', 'Nakamura', 'Wong'],
};

export type CurrencyCode = 'USD' | 'EUR' | 'GBP';

export interface Country {
  readonly code: string; // ISO 3166-1 alpha-2, as Twenty's phone country code
  readonly name: string; // as Twenty's address stores it
  readonly callingCode: string;
  readonly currency: CurrencyCode;
  readonly tld: string;
  readonly culture: Culture;
  /** Mobile number prefixes and the full national number length, as that country dials. */
  readonly mobile: readonly [prefixes: readonly string[], digits: number];
  readonly legalSuffix: string;
}

const country = (
  code: string,
  name: string,
  callingCode: string,
  currency: CurrencyCode,
  tld: string,
  culture: Culture,
  mobile: readonly [readonly string[], number],
  legalSuffix: string,
): Country => ({ code, name, callingCode, currency, tld, culture, mobile, legalSuffix });

// prettier-ignore
export const COUNTRIES: Readonly<Record<string, Country>> = {
  GB: country('GB', 'United Kingdom', '+44', 'GBP', 'co.uk', 'anglo', [['74', '77', '79'], 10], 'Ltd'),
  IE: country('IE', 'Ireland', '+353', 'EUR', 'ie', 'anglo', [['83', '85', '87'], 9], 'Ltd'),
  SE: country('SE', 'Sweden', '+46', 'EUR', 'se', 'nordic', [['70', '72', '73'], 9], 'AB'),
  DK: country('DK', 'Denmark', '+45', 'EUR', 'dk', 'nordic', [['20', '30', '40'], 8], 'A/S'),
  NO: country('NO', 'Norway', '+47', 'EUR', 'no', 'nordic', [['40', '41', '92'], 8], 'AS'),
  FI: country('FI', 'Finland', '+358', 'EUR', 'fi', 'nordic', [['40', '45', '50'], 9], 'Oy'),
  DE: country('DE', 'Germany', '+49', 'EUR', 'de', 'german', [['151', '160', '176'], 11], 'GmbH'),
  CH: country('CH', 'Switzerland', '+41', 'EUR', 'ch', 'german', [['76', '78', '79'], 9], 'AG'),
  AT: country('AT', 'Austria', '+43', 'EUR', 'at', 'german', [['660', '664', '676'], 10], 'GmbH'),
  NL: country('NL', 'Netherlands', '+31', 'EUR', 'nl', 'german', [['6'], 9], 'B.V.'),
  FR: country('FR', 'France', '+33', 'EUR', 'fr', 'romance', [['6', '7'], 9], 'SAS'),
  ES: country('ES', 'Spain', '+34', 'EUR', 'es', 'romance', [['6'], 9], 'S.L.'),
  PT: country('PT', 'Portugal', '+351', 'EUR', 'pt', 'romance', [['91', '93', '96'], 9], 'Lda'),
  IT: country('IT', 'Italy', '+39', 'EUR', 'it', 'romance', [['32', '33', '34'], 10], 'S.r.l.'),
  US: country('US', 'United States', '+1', 'USD', 'com', 'anglo', [['212', '415', '617'], 10], 'Inc.'),
  CA: country('CA', 'Canada', '+1', 'USD', 'ca', 'anglo', [['416', '604', '647'], 10], 'Inc.'),
  SG: country('SG', 'Singapore', '+65', 'USD', 'com.sg', 'asian', [['8', '9'], 8], 'Pte. Ltd.'),
  AU: country('AU', 'Australia', '+61', 'USD', 'com.au', 'anglo', [['4'], 9], 'Pty Ltd'),
  JP: country('JP', 'Japan', '+81', 'USD', 'co.jp', 'asian', [['70', '80', '90'], 10], 'K.K.'),
  IN: country('IN', 'India', '+91', 'USD', 'in', 'asian', [['98', '99', '70'], 10], 'Pvt. Ltd.'),
};

/** The sales regions (leaf teams of the sales tree) that companies are spread over. */
export type SalesRegion =
  'emea-north' | 'emea-central' | 'emea-south' | 'americas-east' | 'americas-west' | 'apac';

export interface City {
  readonly name: string;
  readonly state: string;
  readonly country: string; // a key of COUNTRIES
  readonly region: SalesRegion;
  /** `#` stands for a random digit, so addresses in one city differ a little. */
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly streets: readonly string[];
  /** Whether the house number comes before the street name, as local addresses write it. */
  readonly numberFirst: boolean;
}

const city = (
  name: string,
  state: string,
  countryCode: string,
  region: SalesRegion,
  postcode: string,
  [lat, lng]: readonly [number, number],
  streets: readonly string[],
  numberFirst = false,
): City => ({
  name,
  state,
  country: countryCode,
  region,
  postcode,
  lat,
  lng,
  streets,
  numberFirst,
});

// prettier-ignore
export const CITIES: readonly City[] = [
  city('London', 'England', 'GB', 'emea-north', 'EC1A #BB', [51.5074, -0.1278], ['King Street', 'Old Street', 'Fleet Street'], true),
  city('Manchester', 'England', 'GB', 'emea-north', 'M1 #AE', [53.4808, -2.2426], ['Deansgate', 'Market Street'], true),
  city('Dublin', 'Leinster', 'IE', 'emea-north', 'D0# X2Y3', [53.3498, -6.2603], ['Grafton Street', 'Harcourt Road'], true),
  city('Stockholm', '', 'SE', 'emea-north', '11# ##', [59.3293, 18.0686], ['Drottninggatan', 'Kungsgatan', 'Sveavägen']),
  city('Copenhagen', '', 'DK', 'emea-north', '1##0', [55.6761, 12.5683], ['Vesterbrogade', 'Strøget']),
  city('Oslo', '', 'NO', 'emea-north', '01##', [59.9139, 10.7522], ['Karl Johans gate', 'Storgata']),
  city('Helsinki', '', 'FI', 'emea-north', '001#0', [60.1699, 24.9384], ['Mannerheimintie', 'Aleksanterinkatu']),
  city('Berlin', 'Berlin', 'DE', 'emea-central', '10###', [52.52, 13.405], ['Friedrichstraße', 'Torstraße', 'Kantstraße']),
  city('Munich', 'Bavaria', 'DE', 'emea-central', '80###', [48.1351, 11.582], ['Leopoldstraße', 'Maximilianstraße']),
  city('Hamburg', 'Hamburg', 'DE', 'emea-central', '20###', [53.5511, 9.9937], ['Mönckebergstraße', 'Große Elbstraße']),
  city('Zurich', 'Zurich', 'CH', 'emea-central', '80##', [47.3769, 8.5417], ['Bahnhofstrasse', 'Limmatquai']),
  city('Vienna', 'Vienna', 'AT', 'emea-central', '10#0', [48.2082, 16.3738], ['Mariahilfer Straße', 'Kärntner Straße']),
  city('Amsterdam', 'North Holland', 'NL', 'emea-central', '10## AB', [52.3676, 4.9041], ['Herengracht', 'Keizersgracht', 'Damrak']),
  city('Rotterdam', 'South Holland', 'NL', 'emea-central', '30## CD', [51.9244, 4.4777], ['Coolsingel', 'Weena']),
  city('Paris', 'Île-de-France', 'FR', 'emea-south', '750#0', [48.8566, 2.3522], ['Rue de Rivoli', 'Avenue de l’Opéra', 'Rue du Faubourg Saint-Antoine'], true),
  city('Lyon', 'Auvergne-Rhône-Alpes', 'FR', 'emea-south', '6900#', [45.764, 4.8357], ['Rue de la République', 'Cours Lafayette'], true),
  city('Madrid', 'Community of Madrid', 'ES', 'emea-south', '280##', [40.4168, -3.7038], ['Calle de Alcalá', 'Gran Vía', 'Paseo de la Castellana']),
  city('Barcelona', 'Catalonia', 'ES', 'emea-south', '080##', [41.3874, 2.1686], ['Passeig de Gràcia', 'Carrer de Balmes']),
  city('Lisbon', 'Lisbon', 'PT', 'emea-south', '1###-0##', [38.7223, -9.1393], ['Avenida da Liberdade', 'Rua Augusta']),
  city('Milan', 'Lombardy', 'IT', 'emea-south', '201##', [45.4642, 9.19], ['Via Montenapoleone', 'Corso Buenos Aires']),
  city('Rome', 'Lazio', 'IT', 'emea-south', '001##', [41.9028, 12.4964], ['Via del Corso', 'Via Nazionale']),
  city('New York', 'NY', 'US', 'americas-east', '100##', [40.7128, -74.006], ['Broadway', 'Madison Avenue', 'Hudson Street'], true),
  city('Boston', 'MA', 'US', 'americas-east', '021##', [42.3601, -71.0589], ['Boylston Street', 'Atlantic Avenue'], true),
  city('Atlanta', 'GA', 'US', 'americas-east', '303##', [33.749, -84.388], ['Peachtree Street', 'Spring Street'], true),
  city('Miami', 'FL', 'US', 'americas-east', '331##', [25.7617, -80.1918], ['Brickell Avenue', 'Biscayne Boulevard'], true),
  city('Chicago', 'IL', 'US', 'americas-east', '606##', [41.8781, -87.6298], ['Michigan Avenue', 'Wacker Drive', 'LaSalle Street'], true),
  city('Toronto', 'ON', 'CA', 'americas-east', 'M5V #A#', [43.6532, -79.3832], ['King Street West', 'Bay Street'], true),
  city('San Francisco', 'CA', 'US', 'americas-west', '941##', [37.7749, -122.4194], ['Market Street', 'Mission Street', 'Howard Street'], true),
  city('Seattle', 'WA', 'US', 'americas-west', '981##', [47.6062, -122.3321], ['Pike Street', '1st Avenue'], true),
  city('Austin', 'TX', 'US', 'americas-west', '787##', [30.2672, -97.7431], ['Congress Avenue', 'Lamar Boulevard'], true),
  city('Denver', 'CO', 'US', 'americas-west', '802##', [39.7392, -104.9903], ['Larimer Street', 'Blake Street'], true),
  city('Los Angeles', 'CA', 'US', 'americas-west', '900##', [34.0522, -118.2437], ['Wilshire Boulevard', 'Sunset Boulevard'], true),
  city('Vancouver', 'BC', 'CA', 'americas-west', 'V6B #K#', [49.2827, -123.1207], ['Granville Street', 'Robson Street'], true),
  city('Singapore', '', 'SG', 'apac', '0###6#', [1.3521, 103.8198], ['Orchard Road', 'Raffles Place', 'Robinson Road'], true),
  city('Sydney', 'NSW', 'AU', 'apac', '20##', [-33.8688, 151.2093], ['George Street', 'Pitt Street'], true),
  city('Melbourne', 'VIC', 'AU', 'apac', '30##', [-37.8136, 144.9631], ['Collins Street', 'Flinders Lane'], true),
  city('Tokyo', 'Tokyo', 'JP', 'apac', '10#-00##', [35.6762, 139.6503], ['Marunouchi', 'Roppongi', 'Shibuya'], true),
  city('Bengaluru', 'Karnataka', 'IN', 'apac', '5600##', [12.9716, 77.5946], ['MG Road', 'Residency Road'], true),
];

/** Area codes of the North American cities: a number there starts with the city's own. */
export const AREA_CODES: Readonly<Record<string, readonly string[]>> = {
  'New York': ['212', '646', '917'],
  Boston: ['617', '857'],
  Atlanta: ['404', '678'],
  Miami: ['305', '786'],
  Chicago: ['312', '773'],
  Toronto: ['416', '647'],
  'San Francisco': ['415', '628'],
  Seattle: ['206'],
  Austin: ['512', '737'],
  Denver: ['303', '720'],
  'Los Angeles': ['213', '310', '323'],
  Vancouver: ['604', '778'],
};

/** Brand words: "North" + "gate" + "Logistics" gives "Northgate Logistics". */
// prettier-ignore
export const BRAND_STARTS = ['North', 'Blue', 'Silver', 'Apex', 'Bright', 'Cedar', 'Summit',
  'Harbor', 'Iron', 'Nova', 'Pioneer', 'Quantum', 'River', 'Stone', 'True', 'Vertex', 'Atlas',
  'Beacon', 'Crest', 'Delta', 'Ever', 'Falcon', 'Granite', 'Horizon', 'Key', 'Lumen', 'Maple',
  'Oak', 'Orbit', 'Pine', 'Red', 'Sterling', 'Tidal', 'Union', 'Van', 'Willow', 'Zenith',
  'Aurora', 'Cobalt', 'Meridian'] as const;

// prettier-ignore
export const BRAND_ENDS = ['wind', 'gate', 'point', 'wave', 'line', 'bridge', 'works', 'field',
  'ridge', 'path', 'ware', 'forge', 'mark', 'scale', 'light', 'stream'] as const;

// prettier-ignore
export const INDUSTRIES = ['Logistics', 'Analytics', 'Robotics', 'Foods', 'Health', 'Energy',
  'Capital', 'Systems', 'Labs', 'Software', 'Manufacturing', 'Pharma', 'Retail', 'Media',
  'Security', 'Materials', 'Biotech', 'Aerospace', 'Consulting', 'Telecom', 'Mobility',
  'Insurance'] as const;

/** Contacts' job titles at customer companies, buyers and users of a sensor platform. */
// prettier-ignore
export const CONTACT_TITLES = ['Chief Executive Officer', 'Chief Technology Officer',
  'Chief Financial Officer', 'Chief Operating Officer', 'VP Engineering', 'VP Operations',
  'Head of Procurement', 'Procurement Manager', 'Operations Manager', 'IT Director',
  'Plant Manager', 'Head of Sales', 'Marketing Manager', 'Product Manager', 'Software Engineer',
  'Data Engineer', 'Finance Director', 'Office Manager', 'Supply Chain Manager',
  'Customer Success Manager', 'Head of Partnerships', 'Security Officer', 'Facilities Manager',
  'Founder', 'Managing Director', 'Purchasing Lead', 'Business Analyst', 'Quality Manager'];

/** What a deal is for; the opportunity's name is "<company> – <deal kind>". */
// prettier-ignore
export const DEAL_KINDS = ['New business', 'Expansion', 'Annual renewal', 'Pilot',
  'Enterprise licence', 'Analytics add-on', 'Multi-year renewal', 'Seat expansion',
  'Proof of concept', 'Platform migration', 'Premium support', 'Regional rollout',
  'Sensor fleet upgrade', 'Second site'];

/** Handles of the integrations that import or create contacts with no member behind them. */
export const INTEGRATIONS = { IMPORT: 'CSV import', API: 'Zapier' } as const;

/** Lower-case ASCII for e-mail local parts and URLs: "Søren Nyström" → "soren", "nystrom". */
export function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
}
