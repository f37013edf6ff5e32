// The figures the pages must show once the three fixture files are imported:
//   server/tests/fixtures/training_events.csv, service_units.csv, predicate_records.csv
// They are hand-computed in server/tests/fixtures/README.md (its table of expected figures); the Rust
// integration tests hold the same figures in server/tests/common/mod.rs (`expected`). Change all three
// together.
//
// Figures are written as the page writes them: Indonesian by default (thousands ".", decimals ","), and the
// English variants where a test switches language.

export const NATIONAL = {
  path: '/',
  title: 'Kabupaten/Kota Layak Anak di Indonesia',
  titleEn: 'Child-Friendly Regencies and Cities in Indonesia',
  provinces: 38,
  events: '5',
  participants: '715',
  participantsNote: '145 luring · 570 daring',
  institutions: '145',
  certifiedShare: '50,0%',
  certifiedShareEn: '50.0%',
  certifiedNote: '3 / 6 satuan layanan',
  withPredicate: '3 / 514',
};

export const NATIONAL_2025 = {
  year: '2025',
  events: '4',
  participants: '675',
  participantsNote: '105 luring · 570 daring',
  institutions: '120',
};

export const PROVINCE = {
  code: '63',
  path: '/provinsi/63',
  name: 'Kalimantan Selatan',
  regencies: 13,
  events: '4',
  participants: '685',
  participantsNote: '115 luring · 570 daring',
  institutions: '127',
  certifiedShare: '60,0%',
  certifiedShareEn: '60.0%',
  certifiedNote: '3 / 5 satuan layanan',
  withPredicate: '2 / 13',
  // Events the province organised itself (its bimtek).
  ownEvents: 'Diselenggarakan provinsi sendiri: 1 kegiatan · 475 peserta',
  // Its row in the national table of provinces.
  nationalRow: { 'Kab/kota': '13', 'Kegiatan pelatihan KHA': '4', Peserta: '685', 'Satuan layanan bersertifikat KHA': '60,0%', 'Kab/kota berpredikat': '2 / 13' },
};

export const REGENCY = {
  code: '63.10',
  path: '/kabkota/63.10',
  name: 'Kabupaten Tanah Bumbu',
  events: '2',
  participants: '160',
  participantsNote: '40 luring · 120 daring',
  // Its part in the province's bimtek: one provincial event, 25 participants by the event's breakdown.
  provincialPart: '1 kegiatan',
  provincialPartNote: '25 peserta',
  certifiedShare: '50,0%',
  certifiedNote: '2 / 4 satuan layanan',
  latestPredicate: 'Madya',
  latestPredicateNote: 'Tahun penghargaan 2025 · 604,10',
  // The predicate history, by award year, under the column headers of its data table.
  predicateHistory: {
    2023: { 'Tahun data': '2022', 'Evaluasi mandiri': '690,00', 'Verifikasi administrasi': '640,50', 'Verifikasi lapangan': '652,00', 'Nilai akhir': '655,25', Predikat: 'Madya', 'Rentang nilai evaluasi mandiri': 'Madya' },
    2025: { 'Tahun data': '2024', 'Evaluasi mandiri': '721,00', 'Verifikasi administrasi': '588,40', 'Verifikasi lapangan': '600,20', 'Nilai akhir': '604,10', Predikat: 'Madya', 'Rentang nilai evaluasi mandiri': 'Nindya' },
  },
  // Puskesmas Ramah Anak: 2 units, 1 certified (50.0%), 42 staff of whom 13 certified (31.0%).
  puskesmas: {
    kind: 'Puskesmas Ramah Anak',
    cells: { 'Satuan layanan': '2', Bersertifikat: '1', 'Satuan layanan bersertifikat KHA': '50,0%', 'SDM bersertifikat': '31,0%' },
  },
  // Its row in the province's table of regencies.
  provinceRow: { 'Kegiatan pelatihan KHA': '2', Peserta: '160', 'Satuan layanan bersertifikat KHA': '50,0%', 'Predikat terakhir': 'Madya (2025)', 'Nilai akhir': '604,10' },
  eventTitles: ['Sosialisasi KHA untuk guru PAUD', 'Pelatihan KHA bagi tenaga kesehatan'],
};

export const REGENCY_2025 = {
  year: '2025',
  events: '1',
  participants: '120',
};

// Kota Banjarbaru, the other regency of Kalimantan Selatan with data.
export const BANJARBARU = {
  code: '63.72',
  path: '/kabkota/63.72',
  name: 'Kota Banjarbaru',
  events: '1',
  participants: '50',
  provincialPart: '1 kegiatan',
  provincialPartNote: '15 peserta',
  certifiedShare: '100,0%',
  latestPredicate: 'Nindya',
};

// Words of the interface the tests look for (kla/locales/id.yml and en.yml).
export const UI = {
  id: {
    breadcrumbs: 'Lokasi halaman',
    provincesCaption: 'Angka per provinsi, termasuk kegiatan yang diselenggarakan provinsi sendiri',
    regenciesCaption: 'Angka per kabupaten/kota (kegiatan yang diselenggarakan kabupaten/kota itu sendiri)',
    events: 'Kegiatan pelatihan KHA',
    participants: 'Peserta',
    institutions: 'Lembaga terwakili',
    certifiedShare: 'Satuan layanan bersertifikat KHA',
    withPredicate: 'Kab/kota berpredikat',
    provincialPart: 'Ikut kegiatan pelatihan provinsi',
    latestPredicate: 'Predikat terakhir',
    year: 'Tahun',
    apply: 'Tampilkan',
    allYearsNote: 'Angka pelatihan: semua tahun.',
    yearNote: (y) => `Angka pelatihan: tahun ${y}`,
    dataTable: 'Tabel data',
    scoresChart: 'Predikat dan nilai KLA per tahun penghargaan',
    trainingsChart: 'Kegiatan pelatihan KHA per tahun',
    unitsByKindChart: 'Satuan layanan bersertifikat KHA menurut jenis',
    unitsHeading: 'Satuan layanan menurut jenis',
    eventsHeading: 'Kegiatan pelatihan terbaru',
    otherLanguage: 'English',
    notFoundTitle: 'Halaman tidak ditemukan',
    badRequestTitle: 'Permintaan tidak valid',
    backHome: 'Kembali ke beranda',
  },
  en: {
    breadcrumbs: 'You are here',
    provincesCaption: 'Figures per province, including events the province organised itself',
    events: 'KHA training events',
    participants: 'Participants',
    certifiedShare: 'KHA-certified service units',
    withPredicate: 'Regencies with a predicate',
    otherLanguage: 'Bahasa Indonesia',
    notFoundTitle: 'Page not found',
    badRequestTitle: 'Invalid request',
  },
};

// Training effectiveness (server/tests/fixtures/README.md): the figure's heading and its plain-language line.
export const EFFECTIVENESS = {
  id: {
    heading: (place) => `Efektivitas pelatihan: nilai tes awal dan akhir — ${place}`,
    national: 'Rata-rata nilai naik 19,2 poin (dari 60,8 menjadi 80,0) pada 2 dari 5 kegiatan yang mengadakan tes awal dan akhir.',
    province: 'Rata-rata nilai naik 19,2 poin (dari 60,8 menjadi 80,0) pada 2 dari 4 kegiatan yang mengadakan tes awal dan akhir.',
    regency: 'Rata-rata nilai naik 18,0 poin (dari 60,0 menjadi 78,0) pada 1 dari 2 kegiatan yang mengadakan tes awal dan akhir.',
    regency2025: 'Tidak satu pun dari 1 kegiatan mencatat nilai tes awal dan tes akhir, jadi kenaikan nilai belum dapat dihitung.',
    table: 'Tabel data',
    allKinds: 'Semua jenis',
  },
  en: {
    heading: (place) => `Training effectiveness: pre- and post-test scores — ${place}`,
    national: 'In 2 of 5 events both a pre-test and a post-test were recorded; there, average scores rose by 19.2 points (from 60.8 to 80.0).',
    province: 'In 2 of 4 events both a pre-test and a post-test were recorded; there, average scores rose by 19.2 points (from 60.8 to 80.0).',
    regency: 'In 1 of 2 events both a pre-test and a post-test were recorded; there, average scores rose by 18.0 points (from 60.0 to 78.0).',
    regency2025: 'The 1 event did not record both a pre-test and a post-test score, so no gain can be computed yet.',
    table: 'Data table',
    allKinds: 'All kinds',
  },
};
