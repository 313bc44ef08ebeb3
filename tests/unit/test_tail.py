"""The tail of a body: a site's imprint and a repeated byline go, the article's last paragraph stays."""

from workers.normalize.tail import trim_tail

ARTICLE = "Первый абзац статьи о налогах.\nПоследний абзац: люди начинают себя вести по-другому."


def test_imprint_block_after_the_article_is_dropped() -> None:
    imprint = (
        "УЧРЕДИТЕЛЬ И РЕДАКЦИЯ: ЗАО «Издательский дом».\n"
        "Сетевое издание зарегистрировано Роскомнадзором, свидетельство Эл№ФC77-50166 от 15 июня 2012.\n"
        "Главный редактор - Иванов И.И.\n"
        "© ЗАО «Издательский дом», 2013.\n"
        "Приобретение авторских прав: rights@example.ru"
    )
    assert trim_tail(f"{ARTICLE}\n{imprint}", []) == ARTICLE


def test_a_single_contact_line_is_article_text() -> None:
    text = f"{ARTICLE}\nСправки по телефону +7 495 123-45-67."
    assert trim_tail(text, []) == text


def test_dates_are_not_phone_numbers() -> None:
    references = "\n".join(f"- {n}. Заметка о концерте [цитата 2014-05-19]" for n in range(1, 6))
    text = f"{ARTICLE}\n{references}"
    assert trim_tail(text, []) == text


def test_repeated_byline_after_the_last_paragraph_is_dropped() -> None:
    assert (
        trim_tail(f"{ARTICLE}\nАвторы:\nЕвгений Калюков, Ирина Парфентьева.", ["Евгений Калюков", "Ирина Парфентьева"])
        == ARTICLE
    )
    assert trim_tail(f"{ARTICLE}\nМария КОЧНЕВА", ["Мария Кочнева"]) == ARTICLE


def test_a_last_line_naming_someone_else_stays() -> None:
    text = f"{ARTICLE}\nСергей Аксенов"
    assert trim_tail(text, ["Мария Кочнева"]) == text
    assert trim_tail(text, []) == text


def test_a_line_that_is_only_a_date_stamp_is_furniture() -> None:
    from workers.normalize.dates import is_date_line

    for line in ("Stand: 03.08.2020 13:14 Uhr", "Updated: January 2, 2025, 9:06am CST", "17 января 2026, 14:05"):
        assert is_date_line(line), line
    for line in ("On 12 March 2020 the court ruled.", "| 1/1/2013 | +13.1% |", "2025-12-19:", "12.8.2020 Sven Bauduin"):
        assert not is_date_line(line), line
