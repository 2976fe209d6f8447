"""Chinese word segmentation for search: jieba at index time and at query time, the same way.

Full-text engines (SQLite FTS5, PostgreSQL tsvector) split on spaces and punctuation, so an unsegmented
Chinese sentence is one long token and "冰毒" would never match mid-sentence. We store the segmented text
(words separated by spaces) in LessonPage.search_text and segment the query with the same function.
jieba's dictionary ships inside the package; loading it reads local files only.
"""

import functools
import logging
import threading

import jieba

# Words of this field jieba's general dictionary splits apart ("依托 咪 酯"); added so they stay whole.
DOMAIN_WORDS = [
    "冰毒",
    "海洛因",
    "摇头丸",
    "氯胺酮",
    "K粉",
    "大麻",
    "合成大麻素",
    "芬太尼",
    "依托咪酯",
    "笑气",
    "跳跳糖",
    "奶茶粉",
    "电子烟",
    "新型毒品",
    "麻醉药品",
    "精神药品",
    "禁毒法",
    "禁毒",
    "拒毒",
    "防毒",
    "识毒",
    "戒毒",
    "成瘾",
    "五个一",
]

_ready = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _get_tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _ready:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word, freq=20000)
                _tokenizer = tokenizer
    return _tokenizer


def words(text: str) -> list[str]:
    """Search terms of `text`: jieba's search-mode words, lower-cased, without punctuation."""
    if not text:
        return []
    return [
        token.lower()
        for token in _get_tokenizer().cut_for_search(text)
        if token.strip() and any(ch.isalnum() for ch in token)
    ]


# A published page is saved twice with the same text (created, then published from its revision); the second
# segmentation of a long lesson is the same work again.
@functools.lru_cache(maxsize=32)
def segment(text: str) -> str:
    return " ".join(words(text))
