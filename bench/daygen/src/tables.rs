//! Reference tables: aircraft types, registration countries and airlines. The names follow
//! the readsb aircraft database's spelling (upper-case descriptions, ICAO type codes).

use crate::fleet::Class;

#[derive(Debug)]
pub struct Model {
    pub code: &'static str,
    pub desc: &'static str,
    /// ADS-B emitter category.
    pub category: &'static str,
    pub class: Class,
}

const fn model(code: &'static str, desc: &'static str, category: &'static str, class: Class) -> Model {
    Model { code, desc, category, class }
}

pub const MODELS: &[Model] = &[
    model("B738", "BOEING 737-800", "A3", Class::Narrowbody),
    model("A320", "AIRBUS A-320", "A3", Class::Narrowbody),
    model("A321", "AIRBUS A-321", "A3", Class::Narrowbody),
    model("B38M", "BOEING 737 MAX 8", "A3", Class::Narrowbody),
    model("A20N", "AIRBUS A-320neo", "A3", Class::Narrowbody),
    model("A319", "AIRBUS A-319", "A3", Class::Narrowbody),
    model("B739", "BOEING 737-900", "A3", Class::Narrowbody),
    model("B737", "BOEING 737-700", "A3", Class::Narrowbody),
    model("A21N", "AIRBUS A-321neo", "A3", Class::Narrowbody),
    model("B752", "BOEING 757-200", "A4", Class::Narrowbody),
    model("BCS3", "AIRBUS A-220-300", "A3", Class::Narrowbody),
    model("B77W", "BOEING 777-300ER", "A5", Class::Widebody),
    model("B789", "BOEING 787-9 Dreamliner", "A5", Class::Widebody),
    model("A359", "AIRBUS A-350-900", "A5", Class::Widebody),
    model("A333", "AIRBUS A-330-300", "A5", Class::Widebody),
    model("A332", "AIRBUS A-330-200", "A5", Class::Widebody),
    model("B744", "BOEING 747-400", "A5", Class::Widebody),
    model("A388", "AIRBUS A-380-800", "A5", Class::Widebody),
    model("B763", "BOEING 767-300", "A5", Class::Widebody),
    model("B788", "BOEING 787-8 Dreamliner", "A5", Class::Widebody),
    model("E75L", "EMBRAER ERJ-170-200 (long wing)", "A3", Class::Regional),
    model("CRJ9", "BOMBARDIER CRJ-900", "A3", Class::Regional),
    model("CRJ7", "BOMBARDIER Regional Jet CRJ-700", "A3", Class::Regional),
    model("E190", "EMBRAER ERJ-190-100", "A3", Class::Regional),
    model("E145", "EMBRAER ERJ-145", "A2", Class::Regional),
    model("AT76", "ATR 72-600", "A2", Class::Turboprop),
    model("DH8D", "DE HAVILLAND CANADA DHC-8-400 Dash 8", "A2", Class::Turboprop),
    model("PC12", "PILATUS PC-12", "A1", Class::Turboprop),
    model("C208", "CESSNA 208 Caravan", "A1", Class::Turboprop),
    model("BE20", "BEECH 200 Super King Air", "A2", Class::Turboprop),
    model("C68A", "CESSNA 680 Citation Latitude", "A2", Class::Bizjet),
    model("GLEX", "BOMBARDIER BD-700 Global 6000/6500", "A2", Class::Bizjet),
    model("CL35", "BOMBARDIER Challenger 350", "A2", Class::Bizjet),
    model("C25A", "CESSNA 525A Citation CJ2", "A1", Class::Bizjet),
    model("E55P", "EMBRAER Phenom 300", "A2", Class::Bizjet),
    model("GLF5", "GULFSTREAM AEROSPACE G-V-SP Gulfstream G550", "A2", Class::Bizjet),
    model("C56X", "CESSNA 560XL Citation Excel", "A2", Class::Bizjet),
    model("C172", "CESSNA 172 Skyhawk", "A1", Class::Piston),
    model("P28A", "PIPER PA-28-140/150/160/180", "A1", Class::Piston),
    model("SR22", "CIRRUS SR-22", "A1", Class::Piston),
    model("C182", "CESSNA 182 Skylane", "A1", Class::Piston),
    model("BE36", "BEECH 36 Bonanza", "A1", Class::Piston),
    model("DA40", "DIAMOND DA-40 Star", "A1", Class::Piston),
    model("C152", "CESSNA 152", "A1", Class::Piston),
    model("R44", "ROBINSON R-44 Raven", "A7", Class::Helicopter),
    model("EC35", "EUROCOPTER EC-135", "A7", Class::Helicopter),
    model("AS50", "AEROSPATIALE AS-350 Ecureuil", "A7", Class::Helicopter),
    model("B407", "BELL 407", "A7", Class::Helicopter),
    model("S76", "SIKORSKY S-76", "A7", Class::Helicopter),
    model("K35R", "BOEING KC-135R Stratotanker", "A5", Class::Tanker),
    model("P8", "BOEING P-8 Poseidon", "A5", Class::Tanker),
    model("C17", "BOEING C-17A Globemaster III", "A5", Class::Airlifter),
    model("C130", "LOCKHEED C-130 Hercules", "A4", Class::Airlifter),
    model("A400", "AIRBUS A-400M Atlas", "A5", Class::Airlifter),
];

/// How a country writes registrations.
#[derive(Debug, Clone, Copy)]
pub enum RegStyle {
    /// N, a digit 1-9, 1 to 3 more digits, up to 2 letters (at most 5 after the N).
    UnitedStates,
    /// The prefix and that many letters.
    Letters(&'static str, usize),
    /// The prefix and that many digits.
    Digits(&'static str, usize),
    /// JA, three digits and a letter.
    Japan,
}

#[derive(Debug)]
pub struct Country {
    pub code: &'static str,
    /// The country's ICAO 24-bit address block.
    pub block: (u32, u32),
    pub reg: RegStyle,
    /// (ICAO airline code, operator name as the registry spells it).
    pub airlines: &'static [(&'static str, &'static str)],
    pub vfr_squawk: &'static str,
}

const fn country(
    code: &'static str,
    block: (u32, u32),
    reg: RegStyle,
    airlines: &'static [(&'static str, &'static str)],
    vfr_squawk: &'static str,
) -> Country {
    Country { code, block, reg, airlines, vfr_squawk }
}

pub const COUNTRIES: &[Country] = &[
    country(
        "US",
        (0xa0_0001, 0xad_f7c7),
        RegStyle::UnitedStates,
        &[
            ("UAL", "UNITED AIRLINES INC"),
            ("DAL", "DELTA AIR LINES INC"),
            ("AAL", "AMERICAN AIRLINES INC"),
            ("SWA", "SOUTHWEST AIRLINES CO"),
            ("ASA", "ALASKA AIRLINES INC"),
            ("JBU", "JETBLUE AIRWAYS CORP"),
            ("NKS", "SPIRIT AIRLINES INC"),
            ("FFT", "FRONTIER AIRLINES INC"),
            ("SKW", "SKYWEST AIRLINES INC"),
            ("RPA", "REPUBLIC AIRWAYS INC"),
            ("ENY", "ENVOY AIR INC"),
            ("FDX", "FEDERAL EXPRESS CORP"),
            ("UPS", "UNITED PARCEL SERVICE CO"),
        ],
        "1200",
    ),
    country(
        "CA",
        (0xc0_0001, 0xc3_ffff),
        RegStyle::Letters("C-F", 3),
        &[("ACA", "AIR CANADA"), ("WJA", "WESTJET"), ("JZA", "JAZZ AVIATION"), ("POE", "PORTER AIRLINES")],
        "1200",
    ),
    country(
        "GB",
        (0x40_0000, 0x43_bfff),
        RegStyle::Letters("G-", 4),
        &[("BAW", "BRITISH AIRWAYS"), ("EZY", "EASYJET"), ("VIR", "VIRGIN ATLANTIC"), ("EXS", "JET2")],
        "7000",
    ),
    country(
        "DE",
        (0x3c_0000, 0x3f_3fff),
        RegStyle::Letters("D-", 4),
        &[("DLH", "LUFTHANSA"), ("EWG", "EUROWINGS"), ("CFG", "CONDOR"), ("CLH", "LUFTHANSA CITYLINE")],
        "7000",
    ),
    country(
        "FR",
        (0x38_0000, 0x3a_7fff),
        RegStyle::Letters("F-", 4),
        &[("AFR", "AIR FRANCE"), ("EJU", "EASYJET EUROPE"), ("TVF", "TRANSAVIA FRANCE")],
        "7000",
    ),
    country(
        "NL",
        (0x48_0000, 0x48_7fff),
        RegStyle::Letters("PH-", 3),
        &[("KLM", "KLM"), ("TRA", "TRANSAVIA")],
        "7000",
    ),
    country(
        "IE",
        (0x4c_a000, 0x4c_afff),
        RegStyle::Letters("EI-", 3),
        &[("RYR", "RYANAIR"), ("EIN", "AER LINGUS")],
        "7000",
    ),
    country(
        "ES",
        (0x34_0000, 0x37_ffff),
        RegStyle::Letters("EC-", 3),
        &[("IBE", "IBERIA"), ("VLG", "VUELING"), ("AEA", "AIR EUROPA")],
        "7000",
    ),
    country("IT", (0x30_0000, 0x33_ffff), RegStyle::Letters("I-", 4), &[("ITY", "ITA AIRWAYS")], "7000"),
    country(
        "CH",
        (0x4b_0000, 0x4b_7fff),
        RegStyle::Letters("HB-", 3),
        &[("SWR", "SWISS"), ("EZS", "EASYJET SWITZERLAND")],
        "7000",
    ),
    country(
        "AU",
        (0x7c_0000, 0x7f_ffff),
        RegStyle::Letters("VH-", 3),
        &[("QFA", "QANTAS"), ("VOZ", "VIRGIN AUSTRALIA"), ("JST", "JETSTAR")],
        "1200",
    ),
    country(
        "CN",
        (0x78_0000, 0x7b_ffff),
        RegStyle::Digits("B-", 4),
        &[
            ("CCA", "AIR CHINA"),
            ("CES", "CHINA EASTERN"),
            ("CSN", "CHINA SOUTHERN"),
            ("CHH", "HAINAN AIRLINES"),
        ],
        "7000",
    ),
    country(
        "JP",
        (0x84_0000, 0x87_ffff),
        RegStyle::Japan,
        &[("ANA", "ALL NIPPON AIRWAYS"), ("JAL", "JAPAN AIRLINES")],
        "1200",
    ),
    country(
        "BR",
        (0xe4_0000, 0xe7_ffff),
        RegStyle::Letters("PR-", 3),
        &[("GLO", "GOL"), ("TAM", "LATAM BRASIL"), ("AZU", "AZUL")],
        "7000",
    ),
    country(
        "IN",
        (0x80_0000, 0x83_ffff),
        RegStyle::Letters("VT-", 3),
        &[("AIC", "AIR INDIA"), ("IGO", "INDIGO")],
        "7000",
    ),
    country(
        "AE",
        (0x89_6000, 0x89_6fff),
        RegStyle::Letters("A6-", 3),
        &[("UAE", "EMIRATES"), ("ETD", "ETIHAD")],
        "7000",
    ),
    country(
        "RU",
        (0x14_0000, 0x15_ffff),
        RegStyle::Digits("RA-", 5),
        &[("AFL", "AEROFLOT"), ("SBI", "S7 AIRLINES")],
        "7000",
    ),
    country(
        "MX",
        (0x0d_0000, 0x0d_7fff),
        RegStyle::Letters("XA-", 3),
        &[("AMX", "AEROMEXICO"), ("VOI", "VOLARIS")],
        "7000",
    ),
    country(
        "TR",
        (0x4b_8000, 0x4b_ffff),
        RegStyle::Letters("TC-", 3),
        &[("THY", "TURKISH AIRLINES"), ("PGT", "PEGASUS")],
        "7000",
    ),
    country(
        "KR",
        (0x71_8000, 0x71_ffff),
        RegStyle::Digits("HL", 4),
        &[("KAL", "KOREAN AIR"), ("AAR", "ASIANA")],
        "7000",
    ),
    country(
        "BE",
        (0x44_8000, 0x44_ffff),
        RegStyle::Letters("OO-", 3),
        &[("BEL", "BRUSSELS AIRLINES")],
        "7000",
    ),
    country(
        "AT",
        (0x44_0000, 0x44_7fff),
        RegStyle::Letters("OE-", 3),
        &[("AUA", "AUSTRIAN AIRLINES")],
        "7000",
    ),
    country(
        "SE",
        (0x4a_8000, 0x4a_ffff),
        RegStyle::Letters("SE-", 3),
        &[("SAS", "SCANDINAVIAN AIRLINES")],
        "7000",
    ),
    country(
        "NO",
        (0x47_8000, 0x47_ffff),
        RegStyle::Letters("LN-", 3),
        &[("NOZ", "NORWEGIAN AIR SHUTTLE")],
        "7000",
    ),
    country(
        "DK",
        (0x45_8000, 0x45_ffff),
        RegStyle::Letters("OY-", 3),
        &[("SAS", "SCANDINAVIAN AIRLINES")],
        "7000",
    ),
    country("FI", (0x46_0000, 0x46_7fff), RegStyle::Letters("OH-", 3), &[("FIN", "FINNAIR")], "7000"),
    country(
        "PL",
        (0x48_8000, 0x48_ffff),
        RegStyle::Letters("SP-", 3),
        &[("LOT", "LOT POLISH AIRLINES")],
        "7000",
    ),
    country(
        "PT",
        (0x49_0000, 0x49_7fff),
        RegStyle::Letters("CS-", 3),
        &[("TAP", "TAP AIR PORTUGAL")],
        "7000",
    ),
    country("NZ", (0xc8_0000, 0xc8_7fff), RegStyle::Letters("ZK-", 3), &[("ANZ", "AIR NEW ZEALAND")], "1200"),
    country(
        "ZA",
        (0x00_8000, 0x00_ffff),
        RegStyle::Letters("ZS-", 3),
        &[("SAA", "SOUTH AFRICAN AIRWAYS")],
        "7000",
    ),
    country(
        "ID",
        (0x8a_0000, 0x8a_7fff),
        RegStyle::Letters("PK-", 3),
        &[("GIA", "GARUDA INDONESIA")],
        "7000",
    ),
    country(
        "AR",
        (0xe0_0000, 0xe3_ffff),
        RegStyle::Letters("LV-", 3),
        &[("ARG", "AEROLINEAS ARGENTINAS")],
        "7000",
    ),
];

/// Countries not in the table: a shared address block, a made-up registration (the country
/// code, a dash, three letters) and carriers that fly everywhere.
pub const ELSEWHERE_BLOCK: (u32, u32) = (0x50_0000, 0x5f_ffff);
pub const ELSEWHERE_AIRLINES: &[(&str, &str)] = &[
    ("QTR", "QATAR AIRWAYS"),
    ("ETH", "ETHIOPIAN AIRLINES"),
    ("SIA", "SINGAPORE AIRLINES"),
    ("CPA", "CATHAY PACIFIC"),
    ("SAA", "SOUTH AFRICAN AIRWAYS"),
    ("AVA", "AVIANCA"),
    ("LAN", "LATAM AIRLINES"),
    ("THA", "THAI AIRWAYS"),
    ("GIA", "GARUDA INDONESIA"),
    ("MAS", "MALAYSIA AIRLINES"),
];

/// The US military's address block.
pub const US_MILITARY_BLOCK: (u32, u32) = (0xae_0000, 0xaf_ffff);
pub const MILITARY_CALLSIGNS: &[&str] =
    &["RCH", "CNV", "SAM", "PAT", "EVAC", "HOMER", "SHELL", "ASCOT", "GAF", "CTM"];
/// Fractional ownership operators: business jets fly under these callsigns.
pub const BIZJET_OPERATORS: &[(&str, &str)] =
    &[("EJA", "NETJETS SALES INC"), ("LXJ", "FLEXJET LLC"), ("NJE", "NETJETS EUROPE"), ("VJT", "VISTAJET")];
pub const VEHICLE_CALLSIGNS: &[&str] = &["OPS", "FOLLOW", "FIRE", "TUG", "SWEEP", "SNOW"];
/// Word pairs for made-up private owners.
pub const OWNER_WORDS: &[&str] = &[
    "SKY", "BLUE", "EAGLE", "PRAIRIE", "COASTAL", "SUMMIT", "RIVER", "FALCON", "HERITAGE", "PIONEER",
    "CEDAR", "HARBOR", "MESA", "NORTHERN", "AERO", "WINGS",
];
pub const OWNER_KINDS: &[&str] =
    &["AVIATION LLC", "FLYING CLUB", "LEASING INC", "HOLDINGS LLC", "AIR INC", "TRUST"];
