"""Admins add and remove reports from the chat, through the real Application and a fake
Bot API on 127.0.0.1 (file downloads included)."""

from __future__ import annotations

import csv
import io

import docx

from .conftest import SEEDS
from .pdf_fixture import scanned_pdf
from .test_bot_e2e import ADMIN, GROUP, STAFF, bot, buttons, fake, settings  # noqa: F401

WANGTUAN = SEEDS / "002_1113006dcd718aa6.txt"


def _weizhou_docx() -> bytes:
    """王团镇's report as 韦州镇's (another township of 同心县), saved as Word."""
    text = WANGTUAN.read_text("utf-8").replace("王团镇", "韦州镇")
    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _labels(params: dict) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_upload_preview_correct_confirm_then_listed_and_answered(
    bot,  # noqa: F811
    fake,  # noqa: F811
    settings,  # noqa: F811
):
    fake.send_document("韦州镇2024年报告.docx", _weizhou_docx(), chat_id=ADMIN, user_id=ADMIN)
    (preview,) = await fake.wait_for()
    assert "乡镇：韦州镇" in preview["text"] and "县区：同心县" in preview["text"]
    assert "年份：2024" in preview["text"] and "段落：" in preview["text"]
    labels = _labels(preview)
    assert any("确认" in label for label in labels) and any("取消" in label for label in labels)
    assert not (settings.corpus_dir / "韦州镇2024年报告.docx").exists()  # nothing saved yet

    fake.send_text("年份=2023 网址=https://www.tongxin.gov.cn/wz.html", reply_to=preview["_result"])
    (edited,) = await fake.wait_for("editMessageText")
    assert "年份：2023" in edited["text"]
    assert "已更正" in (await fake.wait_for(count=2))[1]["text"]

    ok = next(b for b in buttons(preview) if b.startswith("up:ok:"))
    fake.press(preview["_result"], ok, user_id=ADMIN)
    done = (await fake.wait_for("editMessageText", count=2))[1]
    assert "已添加：韦州镇（同心县，2023年）" in done["text"]
    saved = settings.corpus_dir / "韦州镇2024年报告.docx"
    assert saved.read_bytes()[:2] == b"PK"
    catalog = list(csv.DictReader((settings.corpus_dir / "catalog.csv").open(encoding="utf-8")))
    assert catalog == [
        {
            "file": saved.name,
            "township": "",
            "county": "",
            "province": "",
            "year": "2023",
            "published": "",
            "title": "",
            "url": "https://www.tongxin.gov.cn/wz.html",
        }
    ]

    fake.send_text("/towns", chat_id=ADMIN, user_id=ADMIN)
    towns = (await fake.wait_for(count=3))[2]["text"]
    assert "6 份报告" in towns and "韦州镇" in towns
    fake.send_text("韦州镇一村一法律顾问", chat_id=ADMIN, user_id=ADMIN)
    answer = (await fake.wait_for(count=4))[3]["text"]
    assert "<b>韦州镇</b> · 同心县 · 2023年报告" in answer
    assert '<a href="https://www.tongxin.gov.cn/wz.html">原文</a>' in answer


async def test_cancel_saves_nothing(bot, fake, settings):  # noqa: F811
    fake.send_document("a.docx", _weizhou_docx(), chat_id=ADMIN, user_id=ADMIN)
    (preview,) = await fake.wait_for()
    no = next(b for b in buttons(preview) if b.startswith("up:no:"))
    fake.press(preview["_result"], no, user_id=ADMIN)
    (edited,) = await fake.wait_for("editMessageText")
    assert "已取消" in edited["text"]
    assert not (settings.corpus_dir / "a.docx").exists()


async def test_non_admin_upload_is_refused_and_nothing_saved(bot, fake, settings):  # noqa: F811
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    fake.send_document("x.docx", _weizhou_docx(), chat_id=STAFF, user_id=STAFF)
    (reply,) = await fake.wait_for()
    assert "只有管理员" in reply["text"]
    assert not buttons(reply)
    assert not fake.sent("getFile")  # not even downloaded
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


async def test_a_path_in_the_file_name_is_never_used(bot, fake, settings, tmp_path):  # noqa: F811
    data = WANGTUAN.read_text("utf-8").replace("王团镇", "韦州镇").encode("utf-8")
    fake.send_document("../../x.txt", data, chat_id=ADMIN, user_id=ADMIN)
    (preview,) = await fake.wait_for()
    assert "<code>x.txt</code>" in preview["text"]
    ok = next(b for b in buttons(preview) if b.startswith("up:ok:"))
    fake.press(preview["_result"], ok, user_id=ADMIN)
    done = (await fake.wait_for("editMessageText"))[0]
    assert "已添加" in done["text"]
    assert (settings.corpus_dir / "x.txt").exists()
    assert not (tmp_path / "x.txt").exists() and not (settings.corpus_dir.parent / "x.txt").exists()


async def test_a_copy_of_a_report_already_there_is_not_added(bot, fake, settings):  # noqa: F811
    """The corpus would skip a second copy (its passages would show twice): the upload
    says which report it repeats and saves nothing."""
    fake.send_document("王团镇副本.txt", WANGTUAN.read_bytes(), chat_id=ADMIN, user_id=ADMIN)
    (reply,) = await fake.wait_for()
    assert f"与已有的 {WANGTUAN.name}（王团镇）内容相同" in reply["text"]
    assert "没有保存" in reply["text"] and not buttons(reply)
    assert not (settings.corpus_dir / "王团镇副本.txt").exists()


async def test_two_copies_previewed_at_once_add_one_and_say_so(bot, fake, settings):  # noqa: F811
    """Two copies of a new report previewed before either is confirmed: the first confirmed
    is added; the other is saved but not read, and its confirmation says why (it said
    已添加, or failed with StopIteration)."""
    data = WANGTUAN.read_text("utf-8").replace("王团镇", "韦州镇").encode("utf-8")
    fake.send_document("zz_韦州镇.txt", data, chat_id=ADMIN, user_id=ADMIN)
    fake.send_document("aa_韦州镇.txt", data, chat_id=ADMIN, user_id=ADMIN)
    late, early = sorted(await fake.wait_for(count=2), key=lambda m: "aa_" in m["text"])
    for n, preview in enumerate((early, late), start=1):
        ok = next(b for b in buttons(preview) if b.startswith("up:ok:"))
        fake.press(preview["_result"], ok, user_id=ADMIN)
        await fake.wait_for("editMessageText", count=n)
    first, second = fake.sent("editMessageText")
    assert "已添加：韦州镇" in first["text"]
    assert "已保存 zz_韦州镇.txt，但没有加入语料：与 aa_韦州镇.txt 内容相同" in second["text"]


async def test_scanned_pdf_upload_says_what_to_do(bot, fake, settings):  # noqa: F811
    fake.send_document("scan.pdf", scanned_pdf(), chat_id=ADMIN, user_id=ADMIN)
    (reply,) = await fake.wait_for()
    assert "扫描件" in reply["text"] and "没有保存" in reply["text"]
    assert not buttons(reply)
    assert not (settings.corpus_dir / "scan.pdf").exists()


async def test_group_upload_needs_the_add_caption(bot, fake, settings):  # noqa: F811
    fake.send_document("chat.docx", _weizhou_docx(), chat_id=GROUP, user_id=ADMIN)
    fake.send_document("wz.docx", _weizhou_docx(), chat_id=GROUP, user_id=ADMIN, caption="/add")
    (preview,) = await fake.wait_for()
    assert "<code>wz.docx</code>" in preview["text"]  # the uncaptioned file was ignored
    assert len(fake.sent("getFile")) == 1


async def test_remove_moves_a_report_to_the_trash_after_confirming(bot, fake, settings):  # noqa: F811
    fake.send_text("/remove 峰灵镇", chat_id=ADMIN, user_id=ADMIN)
    (ask,) = await fake.wait_for()
    assert "003_f3bfa6d8f855b377.txt" in ask["text"]
    assert (settings.corpus_dir / "003_f3bfa6d8f855b377.txt").exists()
    fake.press(ask["_result"], next(b for b in buttons(ask) if b.startswith("rm:ok:")))
    (done,) = await fake.wait_for("editMessageText")
    assert "回收站" in done["text"]
    assert not (settings.corpus_dir / "003_f3bfa6d8f855b377.txt").exists()
    assert [
        p.name.endswith("003_f3bfa6d8f855b377.txt")
        for p in (settings.corpus_dir / ".trash").iterdir()
    ] == [True]
    fake.send_text("/towns", chat_id=ADMIN, user_id=ADMIN)
    towns = (await fake.wait_for(count=2))[1]["text"]
    assert "4 份报告" in towns and "峰灵镇" not in towns


async def test_remove_is_for_admins_only(bot, fake, settings):  # noqa: F811
    fake.send_text("/remove 峰灵镇", chat_id=STAFF, user_id=STAFF)
    (reply,) = await fake.wait_for()
    assert "只有管理员" in reply["text"] and not buttons(reply)
    assert (settings.corpus_dir / "003_f3bfa6d8f855b377.txt").exists()


async def test_a_same_named_report_asks_before_replacing(bot, fake, settings):  # noqa: F811
    name = "002_1113006dcd718aa6.txt"
    new_text = WANGTUAN.read_text("utf-8").replace("49宗行政处罚案件", "51宗行政处罚案件")
    fake.send_document(name, new_text.encode("utf-8"), chat_id=ADMIN, user_id=ADMIN)
    (preview,) = await fake.wait_for()
    assert "已有同名报告（王团镇）" in preview["text"]
    assert any("确认替换" in label for label in _labels(preview))
    assert "49宗" in (settings.corpus_dir / name).read_text("utf-8")  # not replaced yet
    fake.press(preview["_result"], next(b for b in buttons(preview) if b.startswith("up:ok:")))
    (done,) = await fake.wait_for("editMessageText")
    assert "已替换：王团镇" in done["text"]
    assert "51宗" in (settings.corpus_dir / name).read_text("utf-8")
    (old,) = (settings.corpus_dir / ".trash").iterdir()
    assert "49宗" in old.read_text("utf-8")  # the old version is kept, restorable
