import { formatPlmn, parsePlmn, type Plmn } from '../protocol/plmn';

export type Continent = 'Europe' | 'Asia' | 'Africa' | 'North America' | 'South America' | 'Oceania';

export interface MccEntry {
  /** ITU-T E.212 mobile country code. */
  readonly mcc: string;
  /** ISO 3166-1 alpha-2. */
  readonly iso: string;
  /** ISO 3166-1 alpha-3, the first three characters of a TADIG code. */
  readonly iso3: string;
  readonly country: string;
  /** ITU-T E.164 country calling code, digits only. */
  readonly cc: string;
  readonly continent: Continent;
}

export interface KnownNetwork {
  readonly name: string;
  /** GSMA TADIG code: 3 country characters and 2 operator characters. */
  readonly tadig: string;
}

const EU: Continent = 'Europe';
const AS: Continent = 'Asia';
const AF: Continent = 'Africa';
const NA: Continent = 'North America';
const SA: Continent = 'South America';
const OC: Continent = 'Oceania';

/*
 * One row per MCC: [MCC, alpha-2, alpha-3, country, E.164 code, continent]. A country with several MCCs has
 * several rows. Continents follow the UN geoscheme (Central America and the Caribbean count as North
 * America), except Cyprus, listed with Europe as an EU member state.
 */
const MCC_ROWS: ReadonlyArray<readonly [string, string, string, string, string, Continent]> = [
  ['202', 'GR', 'GRC', 'Greece', '30', EU],
  ['204', 'NL', 'NLD', 'Netherlands', '31', EU],
  ['206', 'BE', 'BEL', 'Belgium', '32', EU],
  ['208', 'FR', 'FRA', 'France', '33', EU],
  ['212', 'MC', 'MCO', 'Monaco', '377', EU],
  ['213', 'AD', 'AND', 'Andorra', '376', EU],
  ['214', 'ES', 'ESP', 'Spain', '34', EU],
  ['216', 'HU', 'HUN', 'Hungary', '36', EU],
  ['218', 'BA', 'BIH', 'Bosnia and Herzegovina', '387', EU],
  ['219', 'HR', 'HRV', 'Croatia', '385', EU],
  ['220', 'RS', 'SRB', 'Serbia', '381', EU],
  ['222', 'IT', 'ITA', 'Italy', '39', EU],
  ['226', 'RO', 'ROU', 'Romania', '40', EU],
  ['228', 'CH', 'CHE', 'Switzerland', '41', EU],
  ['230', 'CZ', 'CZE', 'Czechia', '420', EU],
  ['231', 'SK', 'SVK', 'Slovakia', '421', EU],
  ['232', 'AT', 'AUT', 'Austria', '43', EU],
  ['234', 'GB', 'GBR', 'United Kingdom', '44', EU],
  ['235', 'GB', 'GBR', 'United Kingdom', '44', EU],
  ['238', 'DK', 'DNK', 'Denmark', '45', EU],
  ['240', 'SE', 'SWE', 'Sweden', '46', EU],
  ['242', 'NO', 'NOR', 'Norway', '47', EU],
  ['244', 'FI', 'FIN', 'Finland', '358', EU],
  ['246', 'LT', 'LTU', 'Lithuania', '370', EU],
  ['247', 'LV', 'LVA', 'Latvia', '371', EU],
  ['248', 'EE', 'EST', 'Estonia', '372', EU],
  ['250', 'RU', 'RUS', 'Russia', '7', EU],
  ['255', 'UA', 'UKR', 'Ukraine', '380', EU],
  ['257', 'BY', 'BLR', 'Belarus', '375', EU],
  ['259', 'MD', 'MDA', 'Moldova', '373', EU],
  ['260', 'PL', 'POL', 'Poland', '48', EU],
  ['262', 'DE', 'DEU', 'Germany', '49', EU],
  ['266', 'GI', 'GIB', 'Gibraltar', '350', EU],
  ['268', 'PT', 'PRT', 'Portugal', '351', EU],
  ['270', 'LU', 'LUX', 'Luxembourg', '352', EU],
  ['272', 'IE', 'IRL', 'Ireland', '353', EU],
  ['274', 'IS', 'ISL', 'Iceland', '354', EU],
  ['276', 'AL', 'ALB', 'Albania', '355', EU],
  ['278', 'MT', 'MLT', 'Malta', '356', EU],
  ['280', 'CY', 'CYP', 'Cyprus', '357', EU],
  ['282', 'GE', 'GEO', 'Georgia', '995', AS],
  ['283', 'AM', 'ARM', 'Armenia', '374', AS],
  ['284', 'BG', 'BGR', 'Bulgaria', '359', EU],
  ['286', 'TR', 'TUR', 'Turkey', '90', AS],
  ['288', 'FO', 'FRO', 'Faroe Islands', '298', EU],
  ['290', 'GL', 'GRL', 'Greenland', '299', NA],
  ['292', 'SM', 'SMR', 'San Marino', '378', EU],
  ['293', 'SI', 'SVN', 'Slovenia', '386', EU],
  ['294', 'MK', 'MKD', 'North Macedonia', '389', EU],
  ['295', 'LI', 'LIE', 'Liechtenstein', '423', EU],
  ['297', 'ME', 'MNE', 'Montenegro', '382', EU],
  ['302', 'CA', 'CAN', 'Canada', '1', NA],
  ['308', 'PM', 'SPM', 'Saint Pierre and Miquelon', '508', NA],
  ['310', 'US', 'USA', 'United States', '1', NA],
  ['311', 'US', 'USA', 'United States', '1', NA],
  ['312', 'US', 'USA', 'United States', '1', NA],
  ['313', 'US', 'USA', 'United States', '1', NA],
  ['314', 'US', 'USA', 'United States', '1', NA],
  ['315', 'US', 'USA', 'United States', '1', NA],
  ['316', 'US', 'USA', 'United States', '1', NA],
  ['330', 'PR', 'PRI', 'Puerto Rico', '1', NA],
  ['334', 'MX', 'MEX', 'Mexico', '52', NA],
  ['338', 'JM', 'JAM', 'Jamaica', '1', NA],
  ['342', 'BB', 'BRB', 'Barbados', '1', NA],
  ['344', 'AG', 'ATG', 'Antigua and Barbuda', '1', NA],
  ['346', 'KY', 'CYM', 'Cayman Islands', '1', NA],
  ['348', 'VG', 'VGB', 'British Virgin Islands', '1', NA],
  ['350', 'BM', 'BMU', 'Bermuda', '1', NA],
  ['352', 'GD', 'GRD', 'Grenada', '1', NA],
  ['354', 'MS', 'MSR', 'Montserrat', '1', NA],
  ['356', 'KN', 'KNA', 'Saint Kitts and Nevis', '1', NA],
  ['358', 'LC', 'LCA', 'Saint Lucia', '1', NA],
  ['360', 'VC', 'VCT', 'Saint Vincent and the Grenadines', '1', NA],
  ['363', 'AW', 'ABW', 'Aruba', '297', NA],
  ['364', 'BS', 'BHS', 'Bahamas', '1', NA],
  ['365', 'AI', 'AIA', 'Anguilla', '1', NA],
  ['366', 'DM', 'DMA', 'Dominica', '1', NA],
  ['368', 'CU', 'CUB', 'Cuba', '53', NA],
  ['370', 'DO', 'DOM', 'Dominican Republic', '1', NA],
  ['372', 'HT', 'HTI', 'Haiti', '509', NA],
  ['374', 'TT', 'TTO', 'Trinidad and Tobago', '1', NA],
  ['376', 'TC', 'TCA', 'Turks and Caicos Islands', '1', NA],
  ['400', 'AZ', 'AZE', 'Azerbaijan', '994', AS],
  ['401', 'KZ', 'KAZ', 'Kazakhstan', '7', AS],
  ['402', 'BT', 'BTN', 'Bhutan', '975', AS],
  ['404', 'IN', 'IND', 'India', '91', AS],
  ['405', 'IN', 'IND', 'India', '91', AS],
  ['410', 'PK', 'PAK', 'Pakistan', '92', AS],
  ['412', 'AF', 'AFG', 'Afghanistan', '93', AS],
  ['413', 'LK', 'LKA', 'Sri Lanka', '94', AS],
  ['414', 'MM', 'MMR', 'Myanmar', '95', AS],
  ['415', 'LB', 'LBN', 'Lebanon', '961', AS],
  ['416', 'JO', 'JOR', 'Jordan', '962', AS],
  ['417', 'SY', 'SYR', 'Syria', '963', AS],
  ['418', 'IQ', 'IRQ', 'Iraq', '964', AS],
  ['419', 'KW', 'KWT', 'Kuwait', '965', AS],
  ['420', 'SA', 'SAU', 'Saudi Arabia', '966', AS],
  ['421', 'YE', 'YEM', 'Yemen', '967', AS],
  ['422', 'OM', 'OMN', 'Oman', '968', AS],
  ['424', 'AE', 'ARE', 'United Arab Emirates', '971', AS],
  ['425', 'IL', 'ISR', 'Israel', '972', AS],
  ['426', 'BH', 'BHR', 'Bahrain', '973', AS],
  ['427', 'QA', 'QAT', 'Qatar', '974', AS],
  ['428', 'MN', 'MNG', 'Mongolia', '976', AS],
  ['429', 'NP', 'NPL', 'Nepal', '977', AS],
  ['432', 'IR', 'IRN', 'Iran', '98', AS],
  ['434', 'UZ', 'UZB', 'Uzbekistan', '998', AS],
  ['436', 'TJ', 'TJK', 'Tajikistan', '992', AS],
  ['437', 'KG', 'KGZ', 'Kyrgyzstan', '996', AS],
  ['438', 'TM', 'TKM', 'Turkmenistan', '993', AS],
  ['440', 'JP', 'JPN', 'Japan', '81', AS],
  ['441', 'JP', 'JPN', 'Japan', '81', AS],
  ['450', 'KR', 'KOR', 'South Korea', '82', AS],
  ['452', 'VN', 'VNM', 'Vietnam', '84', AS],
  ['454', 'HK', 'HKG', 'Hong Kong', '852', AS],
  ['455', 'MO', 'MAC', 'Macao', '853', AS],
  ['456', 'KH', 'KHM', 'Cambodia', '855', AS],
  ['457', 'LA', 'LAO', 'Laos', '856', AS],
  ['460', 'CN', 'CHN', 'China', '86', AS],
  ['466', 'TW', 'TWN', 'Taiwan', '886', AS],
  ['467', 'KP', 'PRK', 'North Korea', '850', AS],
  ['470', 'BD', 'BGD', 'Bangladesh', '880', AS],
  ['472', 'MV', 'MDV', 'Maldives', '960', AS],
  ['502', 'MY', 'MYS', 'Malaysia', '60', AS],
  ['505', 'AU', 'AUS', 'Australia', '61', OC],
  ['510', 'ID', 'IDN', 'Indonesia', '62', AS],
  ['514', 'TL', 'TLS', 'Timor-Leste', '670', AS],
  ['515', 'PH', 'PHL', 'Philippines', '63', AS],
  ['520', 'TH', 'THA', 'Thailand', '66', AS],
  ['525', 'SG', 'SGP', 'Singapore', '65', AS],
  ['528', 'BN', 'BRN', 'Brunei', '673', AS],
  ['530', 'NZ', 'NZL', 'New Zealand', '64', OC],
  ['536', 'NR', 'NRU', 'Nauru', '674', OC],
  ['537', 'PG', 'PNG', 'Papua New Guinea', '675', OC],
  ['539', 'TO', 'TON', 'Tonga', '676', OC],
  ['540', 'SB', 'SLB', 'Solomon Islands', '677', OC],
  ['541', 'VU', 'VUT', 'Vanuatu', '678', OC],
  ['542', 'FJ', 'FJI', 'Fiji', '679', OC],
  ['544', 'AS', 'ASM', 'American Samoa', '1', OC],
  ['545', 'KI', 'KIR', 'Kiribati', '686', OC],
  ['546', 'NC', 'NCL', 'New Caledonia', '687', OC],
  ['547', 'PF', 'PYF', 'French Polynesia', '689', OC],
  ['548', 'CK', 'COK', 'Cook Islands', '682', OC],
  ['549', 'WS', 'WSM', 'Samoa', '685', OC],
  ['550', 'FM', 'FSM', 'Micronesia', '691', OC],
  ['551', 'MH', 'MHL', 'Marshall Islands', '692', OC],
  ['552', 'PW', 'PLW', 'Palau', '680', OC],
  ['553', 'TV', 'TUV', 'Tuvalu', '688', OC],
  ['602', 'EG', 'EGY', 'Egypt', '20', AF],
  ['603', 'DZ', 'DZA', 'Algeria', '213', AF],
  ['604', 'MA', 'MAR', 'Morocco', '212', AF],
  ['605', 'TN', 'TUN', 'Tunisia', '216', AF],
  ['606', 'LY', 'LBY', 'Libya', '218', AF],
  ['607', 'GM', 'GMB', 'Gambia', '220', AF],
  ['608', 'SN', 'SEN', 'Senegal', '221', AF],
  ['609', 'MR', 'MRT', 'Mauritania', '222', AF],
  ['610', 'ML', 'MLI', 'Mali', '223', AF],
  ['611', 'GN', 'GIN', 'Guinea', '224', AF],
  ['612', 'CI', 'CIV', "Côte d'Ivoire", '225', AF],
  ['613', 'BF', 'BFA', 'Burkina Faso', '226', AF],
  ['614', 'NE', 'NER', 'Niger', '227', AF],
  ['615', 'TG', 'TGO', 'Togo', '228', AF],
  ['616', 'BJ', 'BEN', 'Benin', '229', AF],
  ['617', 'MU', 'MUS', 'Mauritius', '230', AF],
  ['618', 'LR', 'LBR', 'Liberia', '231', AF],
  ['619', 'SL', 'SLE', 'Sierra Leone', '232', AF],
  ['620', 'GH', 'GHA', 'Ghana', '233', AF],
  ['621', 'NG', 'NGA', 'Nigeria', '234', AF],
  ['622', 'TD', 'TCD', 'Chad', '235', AF],
  ['623', 'CF', 'CAF', 'Central African Republic', '236', AF],
  ['624', 'CM', 'CMR', 'Cameroon', '237', AF],
  ['625', 'CV', 'CPV', 'Cape Verde', '238', AF],
  ['626', 'ST', 'STP', 'São Tomé and Príncipe', '239', AF],
  ['627', 'GQ', 'GNQ', 'Equatorial Guinea', '240', AF],
  ['628', 'GA', 'GAB', 'Gabon', '241', AF],
  ['629', 'CG', 'COG', 'Republic of the Congo', '242', AF],
  ['630', 'CD', 'COD', 'DR Congo', '243', AF],
  ['631', 'AO', 'AGO', 'Angola', '244', AF],
  ['632', 'GW', 'GNB', 'Guinea-Bissau', '245', AF],
  ['633', 'SC', 'SYC', 'Seychelles', '248', AF],
  ['634', 'SD', 'SDN', 'Sudan', '249', AF],
  ['635', 'RW', 'RWA', 'Rwanda', '250', AF],
  ['636', 'ET', 'ETH', 'Ethiopia', '251', AF],
  ['637', 'SO', 'SOM', 'Somalia', '252', AF],
  ['638', 'DJ', 'DJI', 'Djibouti', '253', AF],
  ['639', 'KE', 'KEN', 'Kenya', '254', AF],
  ['640', 'TZ', 'TZA', 'Tanzania', '255', AF],
  ['641', 'UG', 'UGA', 'Uganda', '256', AF],
  ['642', 'BI', 'BDI', 'Burundi', '257', AF],
  ['643', 'MZ', 'MOZ', 'Mozambique', '258', AF],
  ['645', 'ZM', 'ZMB', 'Zambia', '260', AF],
  ['646', 'MG', 'MDG', 'Madagascar', '261', AF],
  ['648', 'ZW', 'ZWE', 'Zimbabwe', '263', AF],
  ['649', 'NA', 'NAM', 'Namibia', '264', AF],
  ['650', 'MW', 'MWI', 'Malawi', '265', AF],
  ['651', 'LS', 'LSO', 'Lesotho', '266', AF],
  ['652', 'BW', 'BWA', 'Botswana', '267', AF],
  ['653', 'SZ', 'SWZ', 'Eswatini', '268', AF],
  ['654', 'KM', 'COM', 'Comoros', '269', AF],
  ['655', 'ZA', 'ZAF', 'South Africa', '27', AF],
  ['657', 'ER', 'ERI', 'Eritrea', '291', AF],
  ['659', 'SS', 'SSD', 'South Sudan', '211', AF],
  ['702', 'BZ', 'BLZ', 'Belize', '501', NA],
  ['704', 'GT', 'GTM', 'Guatemala', '502', NA],
  ['706', 'SV', 'SLV', 'El Salvador', '503', NA],
  ['708', 'HN', 'HND', 'Honduras', '504', NA],
  ['710', 'NI', 'NIC', 'Nicaragua', '505', NA],
  ['712', 'CR', 'CRI', 'Costa Rica', '506', NA],
  ['714', 'PA', 'PAN', 'Panama', '507', NA],
  ['716', 'PE', 'PER', 'Peru', '51', SA],
  ['722', 'AR', 'ARG', 'Argentina', '54', SA],
  ['724', 'BR', 'BRA', 'Brazil', '55', SA],
  ['730', 'CL', 'CHL', 'Chile', '56', SA],
  ['732', 'CO', 'COL', 'Colombia', '57', SA],
  ['734', 'VE', 'VEN', 'Venezuela', '58', SA],
  ['736', 'BO', 'BOL', 'Bolivia', '591', SA],
  ['738', 'GY', 'GUY', 'Guyana', '592', SA],
  ['740', 'EC', 'ECU', 'Ecuador', '593', SA],
  ['742', 'GF', 'GUF', 'French Guiana', '594', SA],
  ['744', 'PY', 'PRY', 'Paraguay', '595', SA],
  ['746', 'SR', 'SUR', 'Suriname', '597', SA],
  ['748', 'UY', 'URY', 'Uruguay', '598', SA],
  ['750', 'FK', 'FLK', 'Falkland Islands', '500', SA],
];

export const MCC_TABLE: readonly MccEntry[] = MCC_ROWS.map(([mcc, iso, iso3, country, cc, continent]) => ({ mcc, iso, iso3, country, cc, continent }));

const BY_MCC = new Map(MCC_TABLE.map((entry) => [entry.mcc, entry]));

/*
 * Operators keyed by MCC-MNC. TADIG prefixes are assigned by the GSMA and need not match today's ISO
 * alpha-3 (Romania's operators use ROM, not ROU), so they are kept as issued.
 */
export const KNOWN_NETWORKS: Readonly<Record<string, KnownNetwork>> = {
  '202-01': { name: 'Cosmote', tadig: 'GRCCO' },
  '202-05': { name: 'Vodafone Greece', tadig: 'GRCPF' },
  '204-04': { name: 'Vodafone Netherlands', tadig: 'NLDLT' },
  '204-08': { name: 'KPN', tadig: 'NLDPT' },
  '206-01': { name: 'Proximus', tadig: 'BELTB' },
  '208-01': { name: 'Orange France', tadig: 'FRAF1' },
  '208-10': { name: 'SFR', tadig: 'FRAF2' },
  '208-20': { name: 'Bouygues Telecom', tadig: 'FRAF3' },
  '214-01': { name: 'Vodafone Spain', tadig: 'ESPAT' },
  '214-03': { name: 'Orange Spain', tadig: 'ESPRT' },
  '214-04': { name: 'Yoigo', tadig: 'ESPXF' },
  '214-07': { name: 'Movistar', tadig: 'ESPTE' },
  '222-01': { name: 'TIM', tadig: 'ITASI' },
  '222-10': { name: 'Vodafone Italy', tadig: 'ITAOM' },
  '222-88': { name: 'WindTre', tadig: 'ITAWI' },
  '226-01': { name: 'Vodafone Romania', tadig: 'ROMCS' },
  '228-01': { name: 'Swisscom', tadig: 'CHEC1' },
  '228-02': { name: 'Sunrise', tadig: 'CHEDX' },
  '230-01': { name: 'T-Mobile Czech Republic', tadig: 'CZERM' },
  '231-01': { name: 'Orange Slovakia', tadig: 'SVKGT' },
  '232-01': { name: 'A1 Telekom Austria', tadig: 'AUTPT' },
  '232-03': { name: 'Magenta Telekom', tadig: 'AUTMM' },
  '234-10': { name: 'O2 UK', tadig: 'GBRCN' },
  '234-15': { name: 'Vodafone UK', tadig: 'GBRVF' },
  '234-20': { name: 'Three UK', tadig: 'GBRHU' },
  '234-30': { name: 'EE', tadig: 'GBRME' },
  '234-33': { name: 'EE (Orange)', tadig: 'GBROR' },
  '238-01': { name: 'TDC', tadig: 'DNKTD' },
  '240-01': { name: 'Telia Sweden', tadig: 'SWETR' },
  '242-01': { name: 'Telenor Norway', tadig: 'NORTM' },
  '244-05': { name: 'Elisa', tadig: 'FINRL' },
  '244-91': { name: 'Telia Finland', tadig: 'FINTF' },
  '262-01': { name: 'Telekom Deutschland', tadig: 'DEUD1' },
  '262-02': { name: 'Vodafone Germany', tadig: 'DEUD2' },
  '262-03': { name: 'Telefónica Germany', tadig: 'DEUE1' },
  '268-01': { name: 'Vodafone Portugal', tadig: 'PRTTL' },
  '268-06': { name: 'MEO', tadig: 'PRTTM' },
  '272-01': { name: 'Vodafone Ireland', tadig: 'IRLEC' },
  '286-01': { name: 'Turkcell', tadig: 'TURTC' },
  '286-02': { name: 'Vodafone Turkey', tadig: 'TURTS' },
  '302-220': { name: 'Telus Mobility', tadig: 'CANTS' },
  '302-610': { name: 'Bell Mobility', tadig: 'CANBM' },
  '302-720': { name: 'Rogers Wireless', tadig: 'CANRW' },
  '310-260': { name: 'T-Mobile USA', tadig: 'USAW6' },
  '310-410': { name: 'AT&T Mobility', tadig: 'USACG' },
  '311-480': { name: 'Verizon Wireless', tadig: 'USAVZ' },
  '334-020': { name: 'Telcel', tadig: 'MEXTL' },
  '440-10': { name: 'NTT docomo', tadig: 'JPNDO' },
  '450-05': { name: 'SK Telecom', tadig: 'KORSK' },
  '454-00': { name: 'CSL', tadig: 'HKGTC' },
  '460-00': { name: 'China Mobile', tadig: 'CHNCT' },
  '460-01': { name: 'China Unicom', tadig: 'CHNCU' },
  '505-01': { name: 'Telstra', tadig: 'AUSTA' },
  '505-02': { name: 'Optus', tadig: 'AUSOP' },
  '505-03': { name: 'Vodafone Australia', tadig: 'AUSVF' },
  '510-10': { name: 'Telkomsel', tadig: 'IDNTS' },
  '515-02': { name: 'Globe Telecom', tadig: 'PHLGT' },
  '525-01': { name: 'Singtel', tadig: 'SGPST' },
  '655-01': { name: 'Vodacom', tadig: 'ZAFVC' },
  '655-10': { name: 'MTN South Africa', tadig: 'ZAFMN' },
  '722-07': { name: 'Movistar Argentina', tadig: 'ARGTM' },
  '724-05': { name: 'Claro Brazil', tadig: 'BRACL' },
};

function plmnKey(plmn: string | Plmn): string {
  return typeof plmn === 'string' ? formatPlmn(parsePlmn(plmn)) : formatPlmn(plmn);
}

export function countryOfMcc(mcc: string): MccEntry | undefined {
  return BY_MCC.get(mcc.trim());
}

export function e164CountryCode(mcc: string): string | undefined {
  return countryOfMcc(mcc)?.cc;
}

/** The operator's name when known, else `<Country> network <MCC-MNC>`, else `Network <MCC-MNC>`. */
export function networkName(plmn: string | Plmn): string {
  const key = plmnKey(plmn);
  const known = KNOWN_NETWORKS[key];
  if (known) return known.name;
  const country = countryOfMcc(key.slice(0, 3));
  return country ? `${country.country} network ${key}` : `Network ${key}`;
}

/**
 * The operator's TADIG when known. Otherwise a synthetic, deterministic code: the country's ISO alpha-3
 * (`ZZZ` for an unknown MCC) followed by two base-36 characters numbering the MNC, where a 2-digit MNC
 * `nn` counts as nn (00..99) and a 3-digit MNC `nnn` as 100 + nnn, so `01` and `001` differ. Synthetic
 * codes are unique within one MCC only (a country with several MCCs, or every unknown MCC, shares a prefix).
 */
export function tadigOf(plmn: string | Plmn): string {
  const key = plmnKey(plmn);
  const known = KNOWN_NETWORKS[key];
  if (known) return known.tadig;
  const [mcc, mnc] = key.split('-');
  const prefix = countryOfMcc(mcc)?.iso3 ?? 'ZZZ';
  const ordinal = mnc.length === 2 ? Number(mnc) : 100 + Number(mnc);
  return prefix + ordinal.toString(36).toUpperCase().padStart(2, '0');
}
