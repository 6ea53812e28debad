from __future__ import annotations

from notices.models import NoticeStatus


def test_it_publishes_a_national_notice(make_notice):
    notice = make_notice()
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.regime == "part2"
    assert notice.versions.count() == 1
