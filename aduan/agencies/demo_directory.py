"""The demo agency directory: real agencies, real categories, real region codes.

Every agency below was taken from the destination-agency columns of two real data sets in
the shared data folder (see their SOURCE.md):

- ``laporgub-jateng/agencies_diteruskan_80.csv`` — where LaporGub! (Central Java) forwarded
  reports: provincial OPD acronyms ("DPU BINMAR CIPKA"), regencies, vertical offices;
- ``lapor-stream-2017/agencies_yth_80.csv`` — the agency LAPOR! addressed each report to:
  ministries, LPNK, BUMN/BPJS branches, regional dinas.

``source_name`` is the value exactly as it appears in one of those files (compared without
surrounding spaces, which the files keep); ``name`` is the agency's proper full name and the
source spelling goes into ``aliases`` so routing can match what citizens and legacy systems
write. A handful of nodes are not in the samples but are needed to hang sourced units on:
the national coordinator KemenPANRB (named by Perpres 76/2013 as the SP4N manager), the
parent ministries of sourced directorates-general, BKN, Pemprov DKI Jakarta and Pemkab
Bojonegoro. They have an empty ``source_name``; the test suite pins that list.

Tree shape. Regency and city governments are **top-level nodes**, not children of their
province: under UU 23/2014 kabupaten/kota are autonomous regions (daerah otonom) with their
own DPRD and budget, the governor supervises them only as the central government's
representative, and a complaint about a city service is the city's to answer. Escalation
therefore goes from a city dinas to the city government and then to the national
administrator, never to the province. The exception proves the rule: the five
*Kota Administrasi* of DKI Jakarta are not autonomous (UU 29/2007) — their mayors are
appointed by the governor — so they sit under Pemerintah Provinsi DKI Jakarta.

Coverage: regional governments and their units cover their own region code; national
agencies (the coordinator, ministries, LPNK, head offices of BPJS and BUMN, and their
national directorates) cover every province (``NATIONAL``); regional offices of national
agencies cover their province or regency. Region codes are Kemendagri codes from
``wilayah-kemendagri/wilayah.csv`` (verified by tests/agencies).

Categories come from LaporGub!'s ``kategori`` column (INFRASTUKTUR, PERMADES DAN
KEPENDUDUKAN, …), the topics on the LAPOR! FAQ (administrasi kependudukan, perizinan,
hak ketenagakerjaan, perbankan, transportasi, kominfo, …; DOMAIN-RULES §1) and the Jakarta
Barat CRM categories (PKL liar, bangunan liar, parkir liar). Default tiers follow the
KemenPANRB tiers (DOMAIN-RULES §1.2): questions are *ringan*, document services
*normatif*, desk-checkable complaints *tanpa pemeriksaan lapangan*, and anything that needs
an officer on site *dengan pemeriksaan lapangan*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Agency, ResolutionTier

K = Agency.Kind
T = ResolutionTier

# Coverage marker: every province in the Region table.
NATIONAL = "*"
# Seat of national agencies headquartered in the capital.
JAKARTA = "31"


@dataclass(frozen=True)
class CategorySeed:
    slug: str
    name: str
    description: str  # one plain-language sentence for citizens
    default_tier: str
    source: str  # where the topic comes from
    parent: str | None = None


@dataclass(frozen=True)
class AgencySeed:
    slug: str
    name: str
    kind: str
    parent: str | None = None  # slug of the parent agency
    source_name: str = ""  # exact value in one of the two source CSVs; "" = structural node
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    seat: str | None = None  # Kemendagri code; None = the parent's seat
    coverage: tuple[str, ...] | None = None  # None = the parent's coverage
    # Categories handled: a slug, or (slug, region code or None, tier or "").
    categories: tuple[str | tuple[str, str | None, str], ...] = field(default=())

    @property
    def all_aliases(self) -> list[str]:
        names = [*self.aliases]
        if self.source_name and self.source_name.strip() != self.name:
            names.append(self.source_name.strip())
        seen: list[str] = []
        for alias in names:
            if alias and alias not in seen and alias != self.name:
                seen.append(alias)
        return seen


CATEGORIES: list[CategorySeed] = [
    # LaporGub! kategori (laporgub_jateng_80.csv), in order of frequency.
    CategorySeed("infrastruktur", "Infrastruktur",
                 "Jalan, jembatan, saluran air, gedung dan fasilitas umum yang rusak atau belum dibangun.",
                 T.FIELD_CHECK, "LaporGub: INFRASTUKTUR"),
    CategorySeed("permades-kependudukan", "Pemberdayaan Masyarakat Desa dan Kependudukan",
                 "Urusan pemerintahan desa, perangkat desa dan data kependudukan.",
                 T.NORMATIVE, "LaporGub: PERMADES DAN KEPENDUDUKAN"),
    CategorySeed("administrasi-kependudukan", "Administrasi Kependudukan",
                 "KTP elektronik, Kartu Keluarga, akta kelahiran, akta kematian dan surat pindah.",
                 T.NORMATIVE, "LAPOR! FAQ: administrasi kependudukan", parent="permades-kependudukan"),
    CategorySeed("dana-desa", "Dana Desa",
                 "Penggunaan dana desa dan pembangunan yang dibiayai dana desa.",
                 T.FIELD_CHECK, "LAPOR! FAQ: dana desa", parent="permades-kependudukan"),
    CategorySeed("sosial-masyarakat", "Sosial Kemasyarakatan",
                 "Bantuan sosial seperti PKH dan BPNT, penyandang disabilitas dan masalah sosial di lingkungan Anda.",
                 T.NO_FIELD_CHECK, "LaporGub: SOSIAL MASYARAKAT"),
    CategorySeed("pendidikan", "Pendidikan",
                 "Sekolah, penerimaan peserta didik baru, guru, beasiswa, biaya sekolah dan ijazah.",
                 T.NO_FIELD_CHECK, "LaporGub: PENDIDIKAN; LAPOR! FAQ: pendidikan"),
    CategorySeed("energi", "Energi dan Sumber Daya Mineral",
                 "Bahan bakar, gas elpiji, pertambangan dan air tanah.",
                 T.FIELD_CHECK, "LaporGub: ENERGI"),
    CategorySeed("listrik", "Listrik",
                 "Pemadaman, sambungan baru, meteran dan tagihan listrik.",
                 T.NO_FIELD_CHECK, "LaporGub: ENERGI (laporan ke PLN)", parent="energi"),
    CategorySeed("kesehatan", "Kesehatan",
                 "Puskesmas, rumah sakit, obat, tenaga kesehatan dan layanan kesehatan lainnya.",
                 T.NO_FIELD_CHECK, "LaporGub: KESEHATAN; LAPOR! FAQ: kesehatan"),
    CategorySeed("keuangan-aset", "Keuangan dan Aset",
                 "Pajak, pajak kendaraan bermotor, retribusi dan aset milik pemerintah.",
                 T.NORMATIVE, "LaporGub: KEUANGAN DAN ASET"),
    CategorySeed("pertanian", "Pertanian dan Perkebunan",
                 "Pupuk bersubsidi, irigasi sawah, bibit, hama dan hasil panen.",
                 T.FIELD_CHECK, "LaporGub: PERTANIAN"),
    CategorySeed("kepegawaian", "Kepegawaian",
                 "Pengangkatan, mutasi, gaji, pensiun dan disiplin pegawai negeri (ASN).",
                 T.NORMATIVE, "LaporGub: KEPEGAWAIAN"),
    CategorySeed("lingkungan", "Lingkungan Hidup",
                 "Pencemaran air dan udara, sampah, limbah dan kerusakan hutan.",
                 T.FIELD_CHECK, "LaporGub: LINGKUNGAN; LAPOR! FAQ: lingkungan hidup"),
    CategorySeed("ekonomi-industri", "Ekonomi dan Industri",
                 "Perdagangan, pasar, industri, koperasi dan usaha kecil (UMKM).",
                 T.NO_FIELD_CHECK, "LaporGub: EKONOMI DAN INDUSTRI"),
    CategorySeed("bencana", "Bencana",
                 "Banjir, tanah longsor, kebakaran dan bantuan bagi korban bencana.",
                 T.FIELD_CHECK, "LaporGub: BENCANA"),
    CategorySeed("pariwisata-budaya", "Pariwisata, Budaya dan Olahraga",
                 "Tempat wisata, kegiatan budaya, kepemudaan dan fasilitas olahraga.",
                 T.NO_FIELD_CHECK, "LaporGub: PARIWISATA DAN BUDAYA; LAPOR! FAQ: pariwisata"),
    CategorySeed("pembangunan-daerah", "Pembangunan Daerah",
                 "Rencana dan pelaksanaan program pembangunan pemerintah daerah.",
                 T.NO_FIELD_CHECK, "LaporGub: PEMBANGUNAN DAERAH; LAPOR! FAQ: pembangunan daerah"),
    CategorySeed("pungli", "Pungutan Liar",
                 "Permintaan uang atau imbalan tidak resmi oleh petugas dalam pelayanan publik.",
                 T.FIELD_CHECK, "LaporGub: SABERPUNGLI"),
    CategorySeed("lain-lain", "Lain-lain",
                 "Masalah pelayanan publik lain yang belum masuk kategori mana pun.",
                 T.NORMATIVE, "LaporGub: SEKTOR LAIN-LAIN"),
    # LAPOR! FAQ topics (DOMAIN-RULES §1) not covered above.
    CategorySeed("perizinan", "Perizinan",
                 "Izin usaha, izin mendirikan bangunan, paspor, SIM, STNK dan izin lainnya.",
                 T.NORMATIVE, "LAPOR! FAQ: perizinan (STNK, SIM, IMB)"),
    CategorySeed("ketenagakerjaan", "Ketenagakerjaan",
                 "Hak pekerja seperti upah, pesangon, pemutusan hubungan kerja dan pekerja migran.",
                 T.NO_FIELD_CHECK, "LAPOR! FAQ: hak ketenagakerjaan"),
    CategorySeed("jaminan-sosial", "Jaminan Sosial (BPJS)",
                 "Kepesertaan, iuran dan layanan BPJS Kesehatan atau BPJS Ketenagakerjaan.",
                 T.NORMATIVE, "lapor-stream-2017: BPJS Kesehatan/Ketenagakerjaan reports"),
    CategorySeed("jaminan-kesehatan", "Jaminan Kesehatan Nasional (BPJS Kesehatan)",
                 "Kartu JKN-KIS, iuran, rujukan dan pelayanan peserta BPJS Kesehatan.",
                 T.NORMATIVE, "lapor-stream-2017: BPJS Kesehatan KC …", parent="jaminan-sosial"),
    CategorySeed("jaminan-ketenagakerjaan", "Jaminan Sosial Ketenagakerjaan (BPJS Ketenagakerjaan)",
                 "Kepesertaan dan klaim Jaminan Hari Tua, kecelakaan kerja, kematian dan pensiun.",
                 T.NORMATIVE, "lapor-stream-2017: BPJS Ketenagakerjaan Kacab …", parent="jaminan-sosial"),
    CategorySeed("perbankan", "Perbankan dan Jasa Keuangan",
                 "Bank, asuransi, pinjaman dan lembaga jasa keuangan lainnya.",
                 T.NO_FIELD_CHECK, "LAPOR! FAQ: perbankan"),
    CategorySeed("transportasi", "Transportasi",
                 "Angkutan umum, lalu lintas, parkir, terminal, pelabuhan dan kendaraan.",
                 T.NO_FIELD_CHECK, "LAPOR! FAQ: transportasi"),
    CategorySeed("kominfo", "Komunikasi dan Informatika",
                 "Layanan pos, telepon, internet, penyiaran dan informasi publik.",
                 T.NO_FIELD_CHECK, "LAPOR! FAQ: kominfo"),
    CategorySeed("pertanahan", "Pertanahan",
                 "Sertifikat tanah, pengukuran, pendaftaran dan sengketa tanah.",
                 T.NO_FIELD_CHECK, "lapor-stream-2017/LaporGub: Kementerian ATR/BPN, Kanwil BPN"),
    CategorySeed("ketertiban-umum", "Ketertiban Umum",
                 "Pedagang kaki lima, bangunan liar, reklame liar, parkir liar dan gangguan ketertiban.",
                 T.FIELD_CHECK, "crm_jakbar_2017: PKL Liar, Bangunan Liar, Reklame/Spanduk Liar, Parkir Liar"),
    CategorySeed("pelayanan-kepolisian", "Pelayanan Kepolisian",
                 "Pelayanan polisi seperti SKCK, laporan polisi dan sikap petugas.",
                 T.NO_FIELD_CHECK, "LAPOR! FAQ: pelayanan kepolisian termasuk lingkup LAPOR!"),
    CategorySeed("informasi", "Permintaan Informasi",
                 "Pertanyaan tentang syarat, biaya, prosedur atau jadwal layanan pemerintah.",
                 T.LIGHT, "LAPOR!: jenis laporan permintaan informasi"),
]


def _opd_jateng(slug: str, name: str, source: str, categories: tuple = (), *, short: str = "", kind: str = K.UNIT,
                seat: str | None = None, coverage: tuple[str, ...] | None = None) -> AgencySeed:
    """A unit of Pemerintah Provinsi Jawa Tengah named in LaporGub's ``diteruskan`` column."""
    return AgencySeed(slug, name, kind, parent="pemprov-jateng", source_name=source, short_name=short,
                      seat=seat, coverage=coverage, categories=categories)


def _bpjs_kc(city: str, source: str, seat: str, *, main: bool = False) -> AgencySeed:
    """A BPJS Kesehatan branch (KC = kantor cabang, KCU = kantor cabang utama)."""
    office = "Kantor Cabang Utama" if main else "Kantor Cabang"
    return AgencySeed(
        f"bpjs-kesehatan-{'kcu' if main else 'kc'}-{city.lower().replace(' ', '-')}",
        f"BPJS Kesehatan {office} {city}", K.UNIT, parent="bpjs-kesehatan", source_name=source,
        seat=seat, coverage=(seat,), categories=(("jaminan-kesehatan", seat, ""),),
    )


AGENCIES: list[AgencySeed] = [
    # --- National coordinator (Perpres 76/2013: KemenPANRB manages SP4N-LAPOR!) -----------
    AgencySeed("kemenpanrb", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", K.COORDINATOR,
               short_name="KemenPANRB", seat=JAKARTA, coverage=(NATIONAL,),
               categories=("informasi", "kepegawaian", "lain-lain")),

    # --- Ministries ---------------------------------------------------------------------------
    AgencySeed("kemendikbud", "Kementerian Pendidikan dan Kebudayaan", K.MINISTRY,
               source_name="Kementerian Pendidikan dan Kebudayaan", short_name="Kemendikbud",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("pendidikan",)),
    AgencySeed("kemensos", "Kementerian Sosial", K.MINISTRY, source_name="Kementerian Sosial", short_name="Kemensos",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("sosial-masyarakat",)),
    AgencySeed("kemen-bumn", "Kementerian Badan Usaha Milik Negara", K.MINISTRY,
               source_name="Kementerian Badan Usaha Milik Negara", short_name="Kementerian BUMN",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("ekonomi-industri",)),
    AgencySeed("kemen-esdm", "Kementerian Energi dan Sumber Daya Mineral", K.MINISTRY,
               source_name="Kementerian Energi dan Sumber Daya Mineral (ESDM)", short_name="Kementerian ESDM",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("energi", "listrik")),
    AgencySeed("kemendagri", "Kementerian Dalam Negeri", K.MINISTRY, source_name="Kementerian Dalam Negeri",
               short_name="Kemendagri", seat=JAKARTA, coverage=(NATIONAL,),
               categories=("administrasi-kependudukan", "pembangunan-daerah")),
    AgencySeed("kemen-pupr", "Kementerian Pekerjaan Umum dan Perumahan Rakyat", K.MINISTRY,
               source_name="Kementerian Pekerjaan Umum dan Perumahan Rakyat", short_name="Kementerian PUPR",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("infrastruktur",)),
    AgencySeed("kemnaker", "Kementerian Ketenagakerjaan", K.MINISTRY, source_name="Kementerian Ketenagakerjaan",
               short_name="Kemnaker", seat=JAKARTA, coverage=(NATIONAL,), categories=("ketenagakerjaan",)),
    AgencySeed("kemen-atr-bpn", "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional", K.MINISTRY,
               source_name="Kementerian Agraria dan Tata Ruang / Badan Pertanahan Nasional", short_name="Kementerian ATR/BPN",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("pertanahan",)),
    AgencySeed("kanwil-bpn-jateng", "Kantor Wilayah Badan Pertanahan Nasional Provinsi Jawa Tengah", K.UNIT,
               parent="kemen-atr-bpn", source_name="Kanwil BPN Provinsi Jawa Tengah", seat="33.74", coverage=("33",),
               categories=(("pertanahan", "33", ""),)),
    AgencySeed("kanwil-bpn-dki-jakarta", "Kantor Wilayah Badan Pertanahan Nasional Provinsi DKI Jakarta", K.UNIT,
               parent="kemen-atr-bpn", source_name="Kanwil BPN Provinsi DKI Jakarta", seat="31", coverage=("31",),
               categories=("pertanahan",)),
    AgencySeed("kemenkeu", "Kementerian Keuangan", K.MINISTRY, source_name="Kementerian Keuangan", short_name="Kemenkeu",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("keuangan-aset",)),
    AgencySeed("kemenkumham", "Kementerian Hukum dan Hak Asasi Manusia", K.MINISTRY,
               source_name="Kementerian Hukum dan HAM", short_name="Kemenkumham", seat=JAKARTA, coverage=(NATIONAL,),
               categories=("perizinan",)),
    AgencySeed("ditjen-imigrasi", "Direktorat Jenderal Imigrasi", K.UNIT, parent="kemenkumham",
               source_name="Direktorat Jenderal Imigrasi", short_name="Ditjen Imigrasi", categories=("perizinan", "informasi")),
    AgencySeed("kanim-1-khusus-jakarta-selatan", "Kantor Imigrasi Kelas I Khusus Jakarta Selatan", K.UNIT,
               parent="ditjen-imigrasi", source_name="Kanim Kelas I Khusus Jakarta Selatan", seat="31.74",
               coverage=("31.74",), categories=(("perizinan", "31.74", ""),)),
    AgencySeed("ditjen-pas", "Direktorat Jenderal Pemasyarakatan", K.UNIT, parent="kemenkumham",
               source_name="Direktorat Jenderal Pemasyarakatan", short_name="Ditjen PAS"),
    AgencySeed("ditjen-ahu", "Direktorat Jenderal Administrasi Hukum Umum", K.UNIT, parent="kemenkumham",
               source_name="Direktorat Jenderal Administrasi Hukum Umum", short_name="Ditjen AHU", categories=("perizinan",)),
    AgencySeed("kanwil-kemenkumham-jabar", "Kantor Wilayah Kementerian Hukum dan HAM Jawa Barat", K.UNIT,
               parent="kemenkumham", source_name="Kanwil Kementerian Hukum dan HAM Jawa Barat", seat="32.73",
               coverage=("32",), categories=("perizinan",)),
    AgencySeed("kanwil-kemenkumham-jateng", "Kantor Wilayah Kementerian Hukum dan HAM Jawa Tengah", K.UNIT,
               parent="kemenkumham", source_name="Kanwil KemenkumHAM Provinsi Jawa Tengah", seat="33.74",
               coverage=("33",), categories=("perizinan",)),
    AgencySeed("kanwil-kemenkumham-dki-jakarta", "Kantor Wilayah Kementerian Hukum dan HAM DKI Jakarta", K.UNIT,
               parent="kemenkumham", source_name="Kanwil Kementerian Hukum dan HAM DKI Jakarta", seat="31",
               coverage=("31",), categories=("perizinan",)),
    AgencySeed("kemenkes", "Kementerian Kesehatan", K.MINISTRY, source_name="Kementerian Kesehatan", short_name="Kemenkes",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("kesehatan",)),
    # A hospital serves patients from anywhere: no regional coverage, reports reach it by name.
    AgencySeed("rsup-kariadi", "RSUP Dr. Kariadi Semarang", K.UNIT, parent="kemenkes", source_name="RSUP Dr.Kariadi",
               seat="33.74", coverage=(), categories=("kesehatan",)),
    AgencySeed("kemenag", "Kementerian Agama", K.MINISTRY, source_name="Kementerian Agama", short_name="Kemenag",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("pendidikan", "informasi")),
    AgencySeed("kanwil-kemenag-jateng", "Kantor Wilayah Kementerian Agama Provinsi Jawa Tengah", K.UNIT,
               parent="kemenag", source_name="Kanwil Kemenag Provinsi Jawa Tengah", seat="33.74", coverage=("33",),
               categories=("pendidikan",)),
    AgencySeed("klhk", "Kementerian Lingkungan Hidup dan Kehutanan", K.MINISTRY,
               source_name="Kementerian Lingkungan Hidup dan Kehutanan", short_name="KLHK",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("lingkungan",)),
    # Parent of the sourced Ditjen Perhubungan Darat/Laut; not itself in the samples.
    AgencySeed("kemenhub", "Kementerian Perhubungan", K.MINISTRY, short_name="Kemenhub", seat=JAKARTA,
               coverage=(NATIONAL,), categories=("transportasi",)),
    AgencySeed("ditjen-hubdat", "Direktorat Jenderal Perhubungan Darat", K.UNIT, parent="kemenhub",
               source_name="Direktorat Jenderal Perhubungan Darat", short_name="Ditjen Hubdat", categories=("transportasi",)),
    AgencySeed("ditjen-hubla", "Direktorat Jenderal Perhubungan Laut", K.UNIT, parent="kemenhub",
               source_name="Direktorat Jenderal Perhubungan Laut", short_name="Ditjen Hubla", categories=("transportasi",)),
    # Parent of the sourced Ditjen PPI and Ditjen Aptika; not itself in the samples.
    AgencySeed("kemenkominfo", "Kementerian Komunikasi dan Informatika", K.MINISTRY, short_name="Kominfo",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("kominfo",)),
    AgencySeed("ditjen-ppi", "Direktorat Jenderal Penyelenggaraan Pos dan Informatika", K.UNIT, parent="kemenkominfo",
               source_name="Direktorat Jenderal Penyelenggaraan Pos dan Informatika", short_name="Ditjen PPI",
               categories=("kominfo",)),
    AgencySeed("ditjen-aptika", "Direktorat Jenderal Aplikasi Informatika", K.UNIT, parent="kemenkominfo",
               source_name="Direktorat Jenderal Aplikasi Informatika", short_name="Ditjen Aptika", categories=("kominfo",)),

    # --- Non-ministerial agencies -------------------------------------------------------------
    AgencySeed("polri", "Kepolisian Negara Republik Indonesia", K.NON_MINISTERIAL,
               source_name="Kepolisian Republik Indonesia", short_name="Polri", seat=JAKARTA, coverage=(NATIONAL,),
               categories=("pelayanan-kepolisian",)),
    AgencySeed("polda-jateng", "Kepolisian Daerah Jawa Tengah", K.UNIT, parent="polri",
               source_name="Kepolisian Daerah Jawa Tengah", short_name="Polda Jateng", seat="33.74", coverage=("33",),
               categories=("pelayanan-kepolisian",)),
    # Polda Jawa Barat (its direct superior) is not in the samples; hung on Polri directly.
    AgencySeed("polrestabes-bandung", "Kepolisian Resor Kota Besar Bandung", K.UNIT, parent="polri",
               source_name="Polrestabes Bandung", short_name="Polrestabes Bandung", seat="32.73", coverage=("32.73",),
               categories=("pelayanan-kepolisian",)),
    AgencySeed("ojk", "Otoritas Jasa Keuangan", K.NON_MINISTERIAL, source_name="Otoritas Jasa Keuangan", short_name="OJK",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("perbankan",)),
    # Parent of the sourced BKN directorates and regional offices; not itself in the samples.
    AgencySeed("bkn", "Badan Kepegawaian Negara", K.NON_MINISTERIAL, short_name="BKN", seat=JAKARTA,
               coverage=(NATIONAL,), categories=("kepegawaian",)),
    AgencySeed("bkn-dit-pengolahan-data", "Direktorat Pengolahan Data dan Informasi Kepegawaian", K.UNIT, parent="bkn",
               source_name="Direktorat Pengolahan Data dan Informasi Kepegawaian", categories=("kepegawaian",)),
    AgencySeed("bkn-dit-pensiun", "Direktorat Pensiun PNS dan Pejabat Negara", K.UNIT, parent="bkn",
               source_name="Direktorat Pensiun PNS dan Pejabat Negara", categories=("kepegawaian",)),
    AgencySeed("bkn-kanreg-iii-bandung", "Kantor Regional III Badan Kepegawaian Negara Bandung", K.UNIT, parent="bkn",
               source_name="BKN Kantor Regional III Bandung", seat="32.73", coverage=("32",), categories=("kepegawaian",)),
    AgencySeed("bkn-kanreg-vii-palembang", "Kantor Regional VII Badan Kepegawaian Negara Palembang", K.UNIT, parent="bkn",
               source_name="BKN Kantor Regional VII Palembang", seat="16.71", coverage=("16",), categories=("kepegawaian",)),
    AgencySeed("bkn-kanreg-x-denpasar", "Kantor Regional X Badan Kepegawaian Negara Denpasar", K.UNIT, parent="bkn",
               source_name="BKN Kantor Regional X Denpasar", seat="51.71", coverage=("51",), categories=("kepegawaian",)),

    # --- BPJS -------------------------------------------------------------------------------------
    AgencySeed("bpjs-kesehatan", "Badan Penyelenggara Jaminan Sosial Kesehatan", K.SOCIAL_SECURITY,
               source_name="Badan Penyelenggara Jaminan Sosial Kesehatan", short_name="BPJS Kesehatan",
               aliases=("BPJS Kesehatan",), seat=JAKARTA, coverage=(NATIONAL,), categories=("jaminan-kesehatan",)),
    _bpjs_kc("Palangkaraya", "BPJS Kesehatan KC Palangkaraya", "62.71"),
    _bpjs_kc("Sampit", "BPJS Kesehatan KC Sampit", "62.02"),  # Sampit is the seat of Kab. Kotawaringin Timur
    _bpjs_kc("Padang", "BPJS Kesehatan KC Padang", "13.71"),
    _bpjs_kc("Sibolga", "BPJS Kesehatan KC Sibolga", "12.73"),
    _bpjs_kc("Kabanjahe", "BPJS Kesehatan KC Kabanjahe", "12.06"),  # Kabanjahe: seat of Kab. Karo
    _bpjs_kc("Padangsidimpuan", "BPJS Kesehatan KC Padang Sidempuan", "12.77"),
    _bpjs_kc("Palu", "BPJS Kesehatan KC Palu", "72.71"),
    _bpjs_kc("Watampone", "BPJS Kesehatan KC Watampone", "73.08"),  # Watampone: seat of Kab. Bone
    _bpjs_kc("Biak", "BPJS Kesehatan KC Biak Numfor", "91.06"),
    _bpjs_kc("Denpasar", "BPJS Kesehatan KC Denpasar", "51.71"),
    _bpjs_kc("Banda Aceh", "BPJS Kesehatan KC Banda Aceh", "11.71"),
    _bpjs_kc("Meulaboh", "BPJS Kesehatan KC Meulaboh", "11.05"),  # Meulaboh: seat of Kab. Aceh Barat
    _bpjs_kc("Wamena", "BPJS Kesehatan KC Wamena", "95.01"),  # Wamena: seat of Kab. Jayawijaya
    _bpjs_kc("Medan", "BPJS Kesehatan KCU Medan", "12.71", main=True),
    _bpjs_kc("Surabaya", "BPJS Kesehatan KCU Surabaya", "35.78", main=True),
    AgencySeed("bpjs-ketenagakerjaan", "Badan Penyelenggara Jaminan Sosial Ketenagakerjaan", K.SOCIAL_SECURITY,
               source_name="Badan Penyelenggara Jaminan Sosial Ketenagakerjaan", short_name="BPJS Ketenagakerjaan",
               aliases=("BPJS Ketenagakerjaan",), seat=JAKARTA, coverage=(NATIONAL,),
               categories=("jaminan-ketenagakerjaan",)),
    AgencySeed("bpjs-tk-kanwil-jateng-diy", "BPJS Ketenagakerjaan Kantor Wilayah Jawa Tengah dan DIY", K.UNIT,
               parent="bpjs-ketenagakerjaan", source_name="BPJS Ketenagakerjaaan Regional IV Jateng dan DIY",
               seat="33.74", coverage=("33", "34"), categories=("jaminan-ketenagakerjaan",)),
    AgencySeed("bpjs-tk-kacab-purwakarta", "BPJS Ketenagakerjaan Kantor Cabang Purwakarta", K.UNIT,
               parent="bpjs-ketenagakerjaan", source_name="BPJS Ketenagakerjaan Kacab Purwakarta", seat="32.14",
               coverage=("32.14",), categories=(("jaminan-ketenagakerjaan", "32.14", ""),)),
    AgencySeed("bpjs-tk-kacab-bekasi-cikarang", "BPJS Ketenagakerjaan Kantor Cabang Bekasi Cikarang", K.UNIT,
               parent="bpjs-ketenagakerjaan", source_name="BPJS Ketenagakerjaan Kacab Bekasi Cikarang", seat="32.16",
               coverage=("32.16",), categories=(("jaminan-ketenagakerjaan", "32.16", ""),)),
    AgencySeed("bpjs-tk-kacab-bandar-lampung", "BPJS Ketenagakerjaan Kantor Cabang Bandar Lampung", K.UNIT,
               parent="bpjs-ketenagakerjaan", source_name="BPJS Ketenagakerjaan Kacab Bandar Lampung", seat="18.71",
               coverage=("18.71",), categories=(("jaminan-ketenagakerjaan", "18.71", ""),)),

    # --- BUMN -----------------------------------------------------------------------------------
    AgencySeed("pos-indonesia", "PT Pos Indonesia (Persero)", K.STATE_ENTERPRISE, source_name="PT Pos Indonesia",
               short_name="Pos Indonesia", seat="32.73", coverage=(NATIONAL,), categories=("kominfo",)),
    AgencySeed("pln", "PT PLN (Persero)", K.STATE_ENTERPRISE, source_name="PT PLN (Persero)", short_name="PLN",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("listrik",)),
    AgencySeed("pln-distribusi-jateng-diy", "PT PLN (Persero) Distribusi Jawa Tengah dan D.I. Yogyakarta", K.UNIT,
               parent="pln", source_name="PLN Distribusi JatengDIY", short_name="PLN Distribusi Jateng DIY",
               seat="33.74", coverage=("33", "34"), categories=("listrik",)),
    AgencySeed("pertamina", "PT Pertamina (Persero)", K.STATE_ENTERPRISE, source_name="PT Pertamina", short_name="Pertamina",
               seat=JAKARTA, coverage=(NATIONAL,), categories=("energi",)),
    AgencySeed("kai", "PT Kereta Api Indonesia (Persero)", K.STATE_ENTERPRISE,
               source_name="PT Kereta Api Indonesia (Persero)", short_name="KAI", seat="32.73", coverage=(NATIONAL,),
               categories=("transportasi",)),

    # --- Pemerintah Provinsi Jawa Tengah and its OPD (LaporGub "diteruskan") ------------------
    AgencySeed("pemprov-jateng", "Pemerintah Provinsi Jawa Tengah", K.PROVINCE,
               source_name="Pemerintah Provinsi Jawa Tengah", short_name="Pemprov Jateng", seat="33", coverage=("33",),
               categories=("pembangunan-daerah", "lain-lain")),
    _opd_jateng("dispermadesdukcapil-jateng",
                "Dinas Pemberdayaan Masyarakat, Desa, Kependudukan dan Pencatatan Sipil Provinsi Jawa Tengah",
                "DISPERMADES DUKCAPIL", ("permades-kependudukan", "administrasi-kependudukan", "dana-desa"),
                short="DISPERMADES DUKCAPIL"),
    _opd_jateng("disdikbud-jateng", "Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah", "DISDIKBUD",
                ("pendidikan",), short="DISDIKBUD"),
    _opd_jateng("dpu-binmar-cipka-jateng", "Dinas Pekerjaan Umum Bina Marga dan Cipta Karya Provinsi Jawa Tengah",
                "DPU BINMAR CIPKA", (("infrastruktur", "33", ""),), short="DPU BINMAR CIPKA"),
    _opd_jateng("disperakim-jateng", "Dinas Perumahan Rakyat dan Kawasan Permukiman Provinsi Jawa Tengah", "DISPERAKIM",
                ("infrastruktur",), short="DISPERAKIM"),
    _opd_jateng("dinsos-jateng", "Dinas Sosial Provinsi Jawa Tengah", "DINAS SOSIAL", ("sosial-masyarakat",)),
    _opd_jateng("dinas-esdm-jateng", "Dinas Energi dan Sumber Daya Mineral Provinsi Jawa Tengah", "DINAS ESDM",
                ("energi",), short="DINAS ESDM"),
    _opd_jateng("bppd-jateng", "Badan Pengelola Pendapatan Daerah Provinsi Jawa Tengah", "BPPD",
                ("keuangan-aset",), short="BPPD"),
    _opd_jateng("disnakertrans-jateng", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Jawa Tengah", "DISNAKERTRANS",
                ("ketenagakerjaan",), short="DISNAKERTRANS"),
    _opd_jateng("bkd-jateng", "Badan Kepegawaian Daerah Provinsi Jawa Tengah", "BADAN KEPEGAWAIAN DAERAH",
                ("kepegawaian",), short="BKD"),
    _opd_jateng("dishub-jateng", "Dinas Perhubungan Provinsi Jawa Tengah", "DINAS PERHUBUNGAN", ("transportasi",)),
    _opd_jateng("dinkes-jateng", "Dinas Kesehatan Provinsi Jawa Tengah", "DINAS KESEHATAN", ("kesehatan",)),
    _opd_jateng("distanbun-jateng", "Dinas Pertanian dan Perkebunan Provinsi Jawa Tengah",
                "DINAS PERTANIAN DAN PERKEBUNAN", ("pertanian",)),
    _opd_jateng("dlhk-jateng", "Dinas Lingkungan Hidup dan Kehutanan Provinsi Jawa Tengah",
                "DINAS LINGKUNGAN HIDUP DAN KEHUTANAN", ("lingkungan",)),
    _opd_jateng("pusdataru-jateng", "Dinas Pekerjaan Umum Sumber Daya Air dan Penataan Ruang Provinsi Jawa Tengah",
                "PUSDATARU", ("infrastruktur", "bencana"), short="PUSDATARU"),
    _opd_jateng("bpbd-jateng", "Badan Penanggulangan Bencana Daerah Provinsi Jawa Tengah",
                "BADAN PENANGGULANGAN BENCANA DAERAH (BPBD)", ("bencana",), short="BPBD"),
    _opd_jateng("disporapar-jateng", "Dinas Kepemudaan, Olahraga dan Pariwisata Provinsi Jawa Tengah",
                "DINAS KEPEMUDAAN, OLAHRAGA DAN PARIWISATA", ("pariwisata-budaya",)),
    _opd_jateng("disperindag-jateng", "Dinas Perindustrian dan Perdagangan Provinsi Jawa Tengah",
                "DINAS PERINDUSTRIAN DAN PERDAGANGAN", ("ekonomi-industri",)),
    _opd_jateng("disnakkeswan-jateng", "Dinas Peternakan dan Kesehatan Hewan Provinsi Jawa Tengah",
                "DINAS PETERNAKAN DAN KESEHATAN HEWAN", ("pertanian",)),
    _opd_jateng("dinkop-umkm-jateng", "Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Jawa Tengah",
                "DINAS KOPERASI DAN UMKM", ("ekonomi-industri",)),
    _opd_jateng("biro-kesra-jateng", "Biro Kesejahteraan Rakyat Sekretariat Daerah Provinsi Jawa Tengah",
                "BIRO KESEJAHTERAAN RAKYAT", ("sosial-masyarakat",)),
    _opd_jateng("inspektorat-jateng", "Inspektorat Provinsi Jawa Tengah", "INSPEKTORAT", ("pungli",)),
    _opd_jateng("satpolpp-jateng", "Satuan Polisi Pamong Praja Provinsi Jawa Tengah", "SATPOL PP",
                ("ketertiban-umum",), short="SATPOL PP"),
    _opd_jateng("diskominfo-jateng", "Dinas Komunikasi dan Informatika Provinsi Jawa Tengah", "DISKOMINFO",
                ("kominfo", "informasi"), short="DISKOMINFO"),
    _opd_jateng("dpmptsp-jateng", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Provinsi Jawa Tengah",
                "DPMPTSP", ("perizinan",), short="DPMPTSP"),
    _opd_jateng("bpkad-jateng", "Badan Pengelola Keuangan dan Aset Daerah Provinsi Jawa Tengah", "BPKAD",
                ("keuangan-aset",), short="BPKAD"),
    _opd_jateng("rsud-tugurejo", "RSUD Tugurejo Provinsi Jawa Tengah", "RSUD TUGUREJO SEMARANG", ("kesehatan",),
                seat="33.74", coverage=()),
    _opd_jateng("pdab-tirta-utama-jateng", "Perusahaan Daerah Air Bersih Tirta Utama Provinsi Jawa Tengah",
                "PDAB Tirta Utama", ("infrastruktur",), short="PDAB Tirta Utama", kind=K.STATE_ENTERPRISE),
    _opd_jateng("bank-jateng", "PT Bank Pembangunan Daerah Jawa Tengah", "BANK JATENG", ("perbankan",),
                short="Bank Jateng", kind=K.STATE_ENTERPRISE),

    # --- Regency/city governments in Central Java (top-level: autonomous, see module docstring) --
    AgencySeed("pemkot-semarang", "Pemerintah Kota Semarang", K.CITY, source_name="Kota Semarang",
               short_name="Pemkot Semarang", seat="33.74", coverage=("33.74",),
               categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("dpu-kota-semarang", "Dinas Pekerjaan Umum Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Pekerjaan Umum Kota Semarang", short_name="DPU Kota Semarang",
               categories=(("infrastruktur", "33.74", ""),)),
    AgencySeed("dishub-kota-semarang", "Dinas Perhubungan Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Perhubungan Kota Semarang", categories=("transportasi",)),
    AgencySeed("disperkim-kota-semarang", "Dinas Perumahan dan Kawasan Permukiman Kota Semarang", K.UNIT,
               parent="pemkot-semarang", source_name="Dinas Perumahan dan Kawasan Permukiman Kota Semarang",
               categories=("infrastruktur",)),
    AgencySeed("satpolpp-kota-semarang", "Satuan Polisi Pamong Praja Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Kantor Satuan Polisi Pamong Praja Kota Semarang", short_name="Satpol PP Kota Semarang",
               categories=("ketertiban-umum",)),
    AgencySeed("dinkes-kota-semarang", "Dinas Kesehatan Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Kesehatan Kota Semarang", categories=("kesehatan",)),
    AgencySeed("dinsos-kota-semarang", "Dinas Sosial Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Sosial Kota Semarang", categories=("sosial-masyarakat",)),
    AgencySeed("disdukcapil-kota-semarang", "Dinas Kependudukan dan Pencatatan Sipil Kota Semarang", K.UNIT,
               parent="pemkot-semarang", source_name="Dinas Kependudukan dan Catatan Sipil Kota Semarang",
               short_name="Disdukcapil Kota Semarang", categories=("administrasi-kependudukan",)),
    AgencySeed("bpbd-kota-semarang", "Badan Penanggulangan Bencana Daerah Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Badan Penanggulangan Bencana Daerah Kota Semarang", categories=("bencana",)),
    AgencySeed("distaru-kota-semarang", "Dinas Penataan Ruang Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Penataan Ruang Kota Semarang", categories=("perizinan",)),
    AgencySeed("dlh-kota-semarang", "Dinas Lingkungan Hidup Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Lingkungan Hidup Kota Semarang", categories=("lingkungan",)),
    AgencySeed("disdik-kota-semarang", "Dinas Pendidikan Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Dinas Pendidikan Kota Semarang", categories=("pendidikan",)),
    AgencySeed("inspektorat-kota-semarang", "Inspektorat Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Inspektorat Kota Semarang", categories=("pungli",)),
    AgencySeed("rsud-kota-semarang", "Rumah Sakit Umum Daerah Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Rumah Sakit Umum Daerah Kota Semarang", coverage=(), categories=("kesehatan",)),
    AgencySeed("pdam-tirto-moedal-semarang", "PDAM Tirto Moedal Kota Semarang", K.STATE_ENTERPRISE,
               parent="pemkot-semarang", source_name="PDAM Tirto Moedal Kota Semarang", categories=("infrastruktur",)),
    AgencySeed("kecamatan-tembalang-semarang", "Kecamatan Tembalang Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Kecamatan Tembalang Kota Semarang", seat="33.74.10", coverage=("33.74.10",)),
    AgencySeed("kecamatan-gayamsari-semarang", "Kecamatan Gayamsari Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Kecamatan Gayamsari Kota Semarang", seat="33.74.04", coverage=("33.74.04",)),
    AgencySeed("kecamatan-semarang-barat", "Kecamatan Semarang Barat Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Kecamatan Semarang Barat Kota Semarang", seat="33.74.13", coverage=("33.74.13",)),
    AgencySeed("kecamatan-gunungpati-semarang", "Kecamatan Gunungpati Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Kecamatan Gunungpati Kota Semarang", seat="33.74.12", coverage=("33.74.12",)),
    AgencySeed("kecamatan-pedurungan-semarang", "Kecamatan Pedurungan Kota Semarang", K.UNIT, parent="pemkot-semarang",
               source_name="Kecamatan Pedurungan Kota Semarang", seat="33.74.06", coverage=("33.74.06",)),
    AgencySeed("kecamatan-gajahmungkur-semarang", "Kecamatan Gajahmungkur Kota Semarang", K.UNIT,
               parent="pemkot-semarang", source_name="Kecamatan Gajah Mungkur Kota Semarang", seat="33.74.09",
               coverage=("33.74.09",)),
    AgencySeed("pemkab-demak", "Pemerintah Kabupaten Demak", K.REGENCY, source_name="Kabupaten Demak",
               short_name="Pemkab Demak", seat="33.21", coverage=("33.21",), categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("pemkab-blora", "Pemerintah Kabupaten Blora", K.REGENCY, source_name="Kabupaten Blora",
               short_name="Pemkab Blora", seat="33.16", coverage=("33.16",), categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("pemkab-jepara", "Pemerintah Kabupaten Jepara", K.REGENCY, source_name="Kabupaten Jepara",
               short_name="Pemkab Jepara", seat="33.20", coverage=("33.20",), categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("pemkab-semarang", "Pemerintah Kabupaten Semarang", K.REGENCY, source_name="Kabupaten Semarang",
               short_name="Pemkab Semarang", seat="33.22", coverage=("33.22",),
               categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("pemkab-temanggung", "Pemerintah Kabupaten Temanggung", K.REGENCY, source_name="Kabupaten Temanggung",
               short_name="Pemkab Temanggung", seat="33.23", coverage=("33.23",),
               categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("pemkab-wonosobo", "Pemerintah Kabupaten Wonosobo", K.REGENCY, source_name="Kabupaten Wonosobo",
               short_name="Pemkab Wonosobo", seat="33.07", coverage=("33.07",),
               categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("pemkab-kendal", "Pemerintah Kabupaten Kendal", K.REGENCY, source_name="Kabupaten Kendal",
               short_name="Pemkab Kendal", seat="33.24", coverage=("33.24",), categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("disdukcapil-kendal", "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kendal", K.UNIT,
               parent="pemkab-kendal", source_name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kendal",
               categories=("administrasi-kependudukan",)),
    AgencySeed("dinkes-kendal", "Dinas Kesehatan Kabupaten Kendal", K.UNIT, parent="pemkab-kendal",
               source_name="Dinas Kesehatan Kabupaten Kendal", categories=("kesehatan",)),
    AgencySeed("dishub-kendal", "Dinas Perhubungan Kabupaten Kendal", K.UNIT, parent="pemkab-kendal",
               source_name="Dinas Perhubungan Kabupaten Kabupaten Kendal", categories=("transportasi",)),
    AgencySeed("satpolpp-damkar-kendal", "Satuan Polisi Pamong Praja dan Pemadam Kebakaran Kabupaten Kendal", K.UNIT,
               parent="pemkab-kendal", source_name="Satuan Polisi Pamong Praja dan Pemadam Kebakaran Kabupaten Kendal",
               categories=("ketertiban-umum",)),

    # --- Kabupaten Bojonegoro (Jawa Timur): units are sourced, the government node is not ------
    AgencySeed("pemkab-bojonegoro", "Pemerintah Kabupaten Bojonegoro", K.REGENCY, short_name="Pemkab Bojonegoro",
               seat="35.22", coverage=("35.22",), categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("dpmd-bojonegoro", "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Bojonegoro", K.UNIT,
               parent="pemkab-bojonegoro", source_name="Dinas Pemberdayaan Masyarakat dan Desa Kab. Bojonegoro",
               categories=("permades-kependudukan", "dana-desa")),
    AgencySeed("satpolpp-bojonegoro", "Satuan Polisi Pamong Praja Kabupaten Bojonegoro", K.UNIT,
               parent="pemkab-bojonegoro", source_name="Satuan Polisi Pamong Praja Kab. Bojonegoro",
               categories=("ketertiban-umum",)),
    AgencySeed("dinsos-bojonegoro", "Dinas Sosial Kabupaten Bojonegoro", K.UNIT, parent="pemkab-bojonegoro",
               source_name="Dinas Sosial Kab. Bojonegoro", categories=("sosial-masyarakat",)),
    AgencySeed("dinkes-bojonegoro", "Dinas Kesehatan Kabupaten Bojonegoro", K.UNIT, parent="pemkab-bojonegoro",
               source_name="Dinas Kesehatan Kab. Bojonegoro", categories=("kesehatan",)),
    AgencySeed("dpu-sda-bojonegoro", "Dinas Pekerjaan Umum Sumber Daya Air Kabupaten Bojonegoro", K.UNIT,
               parent="pemkab-bojonegoro", source_name="Dinas Pekerjaan Umum Sumber Daya Air Kab. Bojonegoro",
               categories=("infrastruktur",)),
    AgencySeed("pdam-bojonegoro", "PDAM Kabupaten Bojonegoro", K.STATE_ENTERPRISE, parent="pemkab-bojonegoro",
               source_name="PDAM Kabupaten Bojonegoro", categories=("infrastruktur",)),

    # --- Jawa Barat: province and Kota Bandung (both top-level) ---------------------------------
    AgencySeed("pemprov-jabar", "Pemerintah Provinsi Jawa Barat", K.PROVINCE,
               source_name="Pemerintah Provinsi Jawa Barat - Program BPNT Rastra", short_name="Pemprov Jabar",
               seat="32", coverage=("32",), categories=("pembangunan-daerah", "sosial-masyarakat", "lain-lain")),
    AgencySeed("pemkot-bandung", "Pemerintah Kota Bandung", K.CITY,
               source_name="Pemerintah Kota Bandung - Program BPNT Rastra", short_name="Pemkot Bandung",
               seat="32.73", coverage=("32.73",), categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("dishub-kota-bandung", "Dinas Perhubungan Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Dinas Perhubungan Kota Bandung", categories=("transportasi",)),
    AgencySeed("dpu-kota-bandung", "Dinas Pekerjaan Umum Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Dinas Pekerjaan Umum Kota Bandung", categories=("infrastruktur",)),
    AgencySeed("satpolpp-kota-bandung", "Satuan Polisi Pamong Praja Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Satuan Polisi Pamong Praja Kota Bandung", categories=("ketertiban-umum",)),
    AgencySeed("disdukcapil-kota-bandung", "Dinas Kependudukan dan Pencatatan Sipil Kota Bandung", K.UNIT,
               parent="pemkot-bandung", source_name="Dinas Kependudukan dan Pencatatan Sipil Kota Bandung",
               categories=("administrasi-kependudukan",)),
    AgencySeed("dinkes-kota-bandung", "Dinas Kesehatan Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Dinas Kesehatan Kota Bandung", categories=("kesehatan",)),
    AgencySeed("pdam-tirta-wening-bandung", "PDAM Tirta Wening Kota Bandung", K.STATE_ENTERPRISE, parent="pemkot-bandung",
               source_name="PDAM Tirta Wening Kota Bandung", categories=("infrastruktur",)),
    AgencySeed("kecamatan-kiaracondong-bandung", "Kecamatan Kiaracondong Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Kecamatan Kiaracondong Kota Bandung", seat="32.73.16", coverage=("32.73.16",)),
    AgencySeed("kecamatan-coblong-bandung", "Kecamatan Coblong Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Kecamatan Coblong Kota Bandung", seat="32.73.02", coverage=("32.73.02",)),
    AgencySeed("kecamatan-sukajadi-bandung", "Kecamatan Sukajadi Kota Bandung", K.UNIT, parent="pemkot-bandung",
               source_name="Kecamatan Sukajadi Kota Bandung", seat="32.73.07", coverage=("32.73.07",)),

    # --- DKI Jakarta: the administrative cities are units of the province (UU 29/2007) -----------
    AgencySeed("pemprov-dki-jakarta", "Pemerintah Provinsi Daerah Khusus Ibukota Jakarta", K.PROVINCE,
               short_name="Pemprov DKI Jakarta", seat="31", coverage=("31",),
               categories=("pembangunan-daerah", "lain-lain")),
    AgencySeed("dinas-bina-marga-dki", "Dinas Bina Marga Provinsi DKI Jakarta", K.UNIT, parent="pemprov-dki-jakarta",
               source_name="Dinas Bina Marga Provinsi DKI Jakarta", categories=("infrastruktur",)),
    AgencySeed("dinas-tata-air-dki", "Dinas Tata Air Provinsi DKI Jakarta", K.UNIT, parent="pemprov-dki-jakarta",
               source_name="Dinas Tata Air Provinsi DKI Jakarta", categories=("infrastruktur", "bencana")),
    AgencySeed("satpolpp-dki", "Satuan Polisi Pamong Praja Provinsi DKI Jakarta", K.UNIT, parent="pemprov-dki-jakarta",
               source_name="Satuan Polisi Pamong Praja Provinsi DKI Jakarta", categories=("ketertiban-umum",)),
    AgencySeed("bptsp-dki", "Badan Pelayanan Terpadu Satu Pintu Provinsi DKI Jakarta", K.UNIT,
               parent="pemprov-dki-jakarta", source_name="Badan Pelayanan Terpadu Satu Pintu Provinsi DKI Jakarta",
               short_name="BPTSP DKI Jakarta", categories=("perizinan",)),
    AgencySeed("pam-jaya", "Perusahaan Daerah Air Minum Jakarta Raya", K.STATE_ENTERPRISE, parent="pemprov-dki-jakarta",
               source_name="PAM JAYA", short_name="PAM JAYA", categories=("infrastruktur",)),
    AgencySeed("pd-pasar-jaya", "Perusahaan Daerah Pasar Jaya", K.STATE_ENTERPRISE, parent="pemprov-dki-jakarta",
               source_name="PD Pasar Jaya", short_name="PD Pasar Jaya", categories=("ekonomi-industri",)),
    # Kind CITY: to citizens they are the city-level government, even though not autonomous.
    AgencySeed("kota-adm-jakarta-pusat", "Kota Administrasi Jakarta Pusat", K.CITY, parent="pemprov-dki-jakarta",
               source_name="Kantor Walikota Jakarta Pusat", seat="31.71", coverage=("31.71",),
               categories=("ketertiban-umum", "lain-lain")),
    AgencySeed("kota-adm-jakarta-barat", "Kota Administrasi Jakarta Barat", K.CITY, parent="pemprov-dki-jakarta",
               source_name="Kantor Walikota Jakarta Barat", seat="31.73", coverage=("31.73",),
               categories=("ketertiban-umum", "lain-lain")),
    AgencySeed("kota-adm-jakarta-selatan", "Kota Administrasi Jakarta Selatan", K.CITY, parent="pemprov-dki-jakarta",
               source_name="Kantor Walikota Jakarta Selatan", seat="31.74", coverage=("31.74",),
               categories=("ketertiban-umum", "lain-lain")),
    AgencySeed("sudinhub-jakarta-selatan", "Suku Dinas Perhubungan Kota Administrasi Jakarta Selatan", K.UNIT,
               parent="kota-adm-jakarta-selatan", source_name="Suku Dinas Perhubungan Jakarta Selatan",
               categories=("transportasi",)),
]

# Structural nodes that are not in the two source CSVs (see the module docstring).
UNSOURCED_SLUGS = frozenset({
    "kemenpanrb", "kemenhub", "kemenkominfo", "bkn", "pemkab-bojonegoro", "pemprov-dki-jakarta",
})

SOURCE_FILES = (
    ("laporgub-jateng", "agencies_diteruskan_80.csv", "diteruskan"),
    ("lapor-stream-2017", "agencies_yth_80.csv", "agency_yth"),
)


def resolved_agencies() -> list[tuple[AgencySeed, str | None, tuple[str, ...]]]:
    """(seed, seat code, coverage codes) for every agency, parents first, with the seat and
    coverage inherited from the parent where the seed leaves them empty (None)."""
    by_slug: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    out = []
    for seed in AGENCIES:
        parent_seat, parent_cov = by_slug.get(seed.parent, (None, ())) if seed.parent else (None, ())
        if seed.parent and seed.parent not in by_slug:
            raise ValueError(f"demo directory: {seed.slug} is listed before its parent {seed.parent}")
        seat = seed.seat if seed.seat is not None else parent_seat
        coverage = seed.coverage if seed.coverage is not None else parent_cov
        by_slug[seed.slug] = (seat, coverage)
        out.append((seed, seat, coverage))
    return out
