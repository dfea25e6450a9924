"""Hand-labelled documents for language identification (dataset.build.language), shared by
tests/unit/test_detect_accuracy.py and benchmarks/extract_speed.py.

Each case is a document as the detector sees it: its kept paragraphs in order, captions marked
with a leading "CAPTION: " (stripped by ``paragraphs``). The labels are what a reader of the text
says: the main language of the body, the other languages of long paragraphs (body or caption),
and the script. Written by hand for this file, about the conflict, in the registers of news
prose; the mixed cases copy the shapes seen in the seeds (a Vietnamese caption inside a French
article, seed 003) and in aggregator pages (an English quote, a Russian statement).
"""

from __future__ import annotations

from dataclasses import dataclass

from dataset.build.clean import Paragraph

CAPTION = "CAPTION: "

FR = (
    "Le ministère arménien des Affaires étrangères a condamné l'offensive et appelé la "
    "communauté internationale à intervenir sans délai pour protéger les civils."
)
FR_2 = (
    "Des milliers de réfugiés ont franchi le corridor de Latchine en quelques jours, selon "
    "les autorités de Erevan qui évoquent un exode sans précédent."
)
FR_3 = (
    "La Russie, dont les soldats de la paix sont déployés dans la région depuis 2020, a "
    "annoncé l'évacuation de plus de deux mille personnes."
)
EN = (
    "Azerbaijan launched what it called an anti-terrorist operation on Tuesday, shelling "
    "positions held by ethnic Armenian forces in Nagorno-Karabakh."
)
EN_2 = (
    "The United States urged both sides to stop the fighting immediately and return to "
    "direct talks, a State Department spokesman told reporters in Washington."
)
EN_3 = (
    "More than one hundred thousand people, most of the region's population, have left "
    "for Armenia since the end of September, the United Nations said."
)
ES = (
    "Azerbaiyán lanzó una ofensiva militar contra las fuerzas armenias en Nagorno Karabaj y "
    "exigió la rendición total de las autoridades separatistas."
)
ES_2 = (
    "Miles de personas huyeron hacia Armenia por el corredor de Lachín, según informaron "
    "las autoridades de Ereván este fin de semana."
)
DE = (
    "Aserbaidschan hat eine Militäroffensive gegen die armenischen Kräfte in Bergkarabach "
    "begonnen und die vollständige Kapitulation der Separatisten gefordert."
)
DE_2 = (
    "Nach Angaben der Vereinten Nationen sind inzwischen mehr als hunderttausend Menschen "
    "aus der Region nach Armenien geflohen."
)
IT = (
    "L'Azerbaigian ha lanciato un'offensiva militare contro le forze armene nel Nagorno "
    "Karabakh, chiedendo la resa completa delle autorità separatiste."
)
PT = (
    "O Azerbaijão lançou uma ofensiva militar contra as forças armênias em Nagorno-Karabakh "
    "e exigiu a rendição total das autoridades separatistas."
)
TR = (
    "Azerbaycan ordusu, Dağlık Karabağ'da Ermeni silahlı güçlerine karşı terörle mücadele "
    "operasyonu başlattığını duyurdu ve sivillerin hedef alınmadığını açıkladı."
)
TR_2 = (
    "Dışişleri Bakanlığı yaptığı açıklamada, bölgedeki gelişmeleri yakından takip ettiklerini "
    "ve Azerbaycan'ın yanında olduklarını belirtti."
)
AZ = (
    "Azərbaycan Müdafiə Nazirliyi bildirib ki, Qarabağ iqtisadi rayonunda lokal xarakterli "
    "antiterror tədbirlərinə başlanılıb və mülki əhaliyə heç bir zərər yetirilmir."
)
AZ_2 = (
    "Prezident İlham Əliyev xalqa müraciətində bildirib ki, suverenliyimiz tam bərpa "
    "olunub və bölgədə sülh dövrü başlayır."
)
VI = (
    "Bộ Quốc phòng Azerbaijan cho biết lực lượng của nước này đã phát động chiến dịch chống "
    "khủng bố tại khu vực Nagorno-Karabakh vào sáng thứ Ba."
)
VI_2 = (
    "Theo thông tin từ phía Armenia, ít nhất bảy người đã thiệt mạng và hàng chục người bị "
    "thương trong các cuộc tấn công bằng pháo binh."
)
VI_CAPTION = (
    "Người dân sơ tán khỏi thành phố Stepanakert sau các cuộc tấn công của quân đội "
    "Azerbaijan. Ảnh: AFP"
)
RU = (
    "Министерство обороны Азербайджана объявило о начале антитеррористических мероприятий "
    "локального характера в Карабахском регионе."
)
RU_2 = (
    "Российские миротворцы продолжают выполнять задачи в зоне ответственности и оказывают "
    "помощь мирному населению, сообщили в Минобороны."
)
UK = (
    "Міністерство оборони Азербайджану оголосило про початок антитерористичної операції в "
    "Нагірному Карабаху, повідомляють місцеві джерела."
)
HY = (
    "Ադրբեջանը լայնածավալ ռազմական գործողություններ է սկսել Լեռնային Ղարաբաղում, հայտնում "
    "է Հայաստանի արտաքին գործերի նախարարությունը։"
)
HY_2 = (
    "Հազարավոր մարդիկ Լաչինի միջանցքով տեղափոխվել են Հայաստան, հայտնում են "
    "կառավարության ներկայացուցիչները։"
)
AR = (
    "أعلنت وزارة الدفاع الأذربيجانية بدء عمليات لمكافحة الإرهاب في إقليم ناغورنو كاراباخ، "
    "فيما دعت أرمينيا المجتمع الدولي إلى التدخل لوقف الهجوم."
)
AR_2 = (
    "وقال مسؤولون أرمن إن آلاف المدنيين غادروا المنطقة عبر ممر لاتشين خلال الأيام الماضية "
    "هربا من القصف المتواصل."
)
FA = (
    "وزارت امور خارجه ایران با ابراز نگرانی از تحولات قره‌باغ، خواستار خویشتن‌داری هر دو "
    "طرف و حل مسالمت‌آمیز اختلافات از طریق گفتگو شد."
)
FA_2 = "سخنگوی وزارت خارجه گفت که جمهوری اسلامی ایران تغییر مرزهای بین‌المللی در منطقه را نمی‌پذیرد."
ZH = "阿塞拜疆国防部宣布在纳戈尔诺-卡拉巴赫地区开展所谓的反恐行动，亚美尼亚外交部对此予以强烈谴责。"
ZH_2 = "据联合国统计，已有超过十万名亚美尼亚族居民离开该地区，前往亚美尼亚境内避难。"
ZH_HANT = (
    "阿塞拜疆國防部宣布在納戈爾諾-卡拉巴赫地區開展所謂的反恐行動，亞美尼亞外交部對此予以強烈譴責。"
)
JA = "アゼルバイジャン国防省は、ナゴルノ・カラバフ地域で対テロ作戦を開始したと発表しました。"
KO = "아제르바이잔 국방부는 나고르노카라바흐 지역에서 대테러 작전을 시작했다고 발표했다."
KA = "აზერბაიჯანმა მთიან ყარაბაღში სამხედრო ოპერაცია დაიწყო, განაცხადა თავდაცვის სამინისტრომ."
EL = (
    "Το Αζερμπαϊτζάν ξεκίνησε στρατιωτική επιχείρηση στο Ναγκόρνο Καραμπάχ, ανακοίνωσε το "
    "υπουργείο Άμυνας της χώρας."
)
HE = "אזרבייג'ן פתחה במבצע צבאי בנגורנו קרבאך, כך הודיע משרד ההגנה במדינה ביום שלישי."
UR = (
    "آذربائیجان نے ناگورنو کاراباخ میں فوجی کارروائی شروع کر دی ہے، وزارت دفاع نے ایک بیان میں "
    "بتایا۔"
)
NAME = "Ilham Aliyev"
DATELINE = "Stepanakert, 20/09/2023"


@dataclass(frozen=True)
class Case:
    """One labelled document."""

    name: str
    texts: tuple[str, ...]
    language: str
    other_languages: tuple[str, ...]
    script: str

    def paragraphs(self) -> list[Paragraph]:
        return [
            Paragraph(t.removeprefix(CAPTION), is_caption=t.startswith(CAPTION)) for t in self.texts
        ]


def case(
    name: str, texts: tuple[str, ...], language: str, script: str, others: tuple[str, ...] = ()
) -> Case:
    return Case(name, texts, language, others, script)


CASES = (
    # one language
    case("fr", (FR, FR_2, FR_3), "fr", "Latn"),
    case("en", (EN, EN_2, EN_3), "en", "Latn"),
    case("es", (ES, ES_2), "es", "Latn"),
    case("de", (DE, DE_2), "de", "Latn"),
    case("it", (IT,), "it", "Latn"),
    case("pt", (PT,), "pt", "Latn"),
    case("tr", (TR, TR_2), "tr", "Latn"),
    case("az", (AZ, AZ_2), "az", "Latn"),
    case("vi", (VI, VI_2), "vi", "Latn"),
    case("ru", (RU, RU_2), "ru", "Cyrl"),
    case("uk", (UK,), "uk", "Cyrl"),
    case("hy", (HY, HY_2), "hy", "Armn"),
    case("ar", (AR, AR_2), "ar", "Arab"),
    case("fa", (FA, FA_2), "fa", "Arab"),
    case("ur", (UR,), "ur", "Arab"),
    case("zh-hans", (ZH, ZH_2), "zh", "Hans"),
    case("zh-hant", (ZH_HANT,), "zh", "Hant"),
    case("ja", (JA,), "ja", "Jpan"),
    case("ko", (KO,), "ko", "Kore"),
    case("ka", (KA,), "ka", "Geor"),
    case("el", (EL,), "el", "Grek"),
    case("he", (HE,), "he", "Hebr"),
    # one language with furniture that must not add a language
    case("fr-name", (FR, NAME, FR_2), "fr", "Latn"),
    case("en-dateline", (DATELINE, EN, EN_2), "en", "Latn"),
    case("ru-latin-name", (RU, NAME, RU_2), "ru", "Cyrl"),
    case("ar-many", (AR, AR_2, AR, AR_2, AR), "ar", "Arab"),
    case("vi-long", (VI, VI_2) * 4, "vi", "Latn"),
    # captions in another language: neither voting nor reported (they are not in the released
    # text, which other_languages describes)
    case("fr-vi-caption", (FR, CAPTION + VI_CAPTION, FR_2), "fr", "Latn"),
    case("fr-vi-alt-text", (FR, FR_2, CAPTION + VI, FR_3), "fr", "Latn"),
    case("ar-en-caption", (AR, CAPTION + EN, AR_2), "ar", "Arab"),
    case("zh-en-caption", (ZH, CAPTION + EN_3, ZH_2), "zh", "Hans"),
    case("ru-en-caption", (RU, RU_2, CAPTION + EN_2), "ru", "Cyrl"),
    # quotes / statements in another language inside the body (same or other script)
    case("fr-en-quote", (FR, FR_2, EN_2, FR_3), "fr", "Latn", ("en",)),
    case("en-ru-statement", (EN, RU, EN_2, EN_3), "en", "Latn", ("ru",)),
    case("en-es-quote", (EN, EN_2, ES, EN_3), "en", "Latn", ("es",)),
    case("de-tr-quote", (DE, TR, DE_2, DE), "de", "Latn", ("tr",)),
    case("az-tr", (AZ, AZ_2, TR_2, AZ), "az", "Latn", ("tr",)),
    case("hy-ru", (HY, RU, HY_2), "hy", "Armn", ("ru",)),
    case("ar-fa", (AR, FA, AR_2, AR), "ar", "Arab", ("fa",)),
    case("vi-fr-quote", (VI, VI_2, FR_2, VI), "vi", "Latn", ("fr",)),
    case("zh-en-quote", (ZH, EN, ZH_2, ZH), "zh", "Hans", ("en",)),
    case("en-zh-quote", (EN, EN_2, ZH, EN_3), "en", "Latn", ("zh",)),
    case("fr-es-de", (FR, ES, FR_2, DE, FR_3), "fr", "Latn", ("de", "es")),
    case("es-pt", (ES, ES_2, PT, ES), "es", "Latn", ("pt",)),
    case("ru-uk", (RU, RU_2, UK, RU), "ru", "Cyrl", ("uk",)),
    case("en-ar-fa-hy", (EN, AR, EN_2, FA, EN_3, HY), "en", "Latn", ("ar", "fa", "hy")),
    case("vi-en-late", (VI, VI_2, VI, VI_2, VI, VI_2, EN), "vi", "Latn", ("en",)),
    case("fr-en-last", (FR, FR_2, FR_3, FR, FR_2, EN_3), "fr", "Latn", ("en",)),
)
