"""Tell Chinese text from English text."""

from __future__ import annotations

import re

from suanli.models import Lang

_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_SPACE = re.compile(r"\s+")
# English articles quote Chinese names now and then; a tenth of the characters is clearly more.
_ZH_SHARE = 0.1


def detect_lang(text: str) -> Lang:
    """Return "zh" when CJK ideographs make up more than a tenth of the non-space characters.

    Example:
        >>> detect_lang("英伟达发布新一代GPU"), detect_lang("Nvidia ships Blackwell")
        ('zh', 'en')
    """
    chars = len(_SPACE.sub("", text))
    if chars == 0:
        return "en"
    return "zh" if len(_CJK_IDEOGRAPH.findall(text)) / chars > _ZH_SHARE else "en"
