"""A small built-in list of Chinese surnames and given-name characters, weighted like real rosters."""

import random

# The most common surnames first; picking by index from a skewed distribution makes 王, 李, 张 the most frequent.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "子涵欣怡浩然梓萱宇轩思彤俊杰雨桐一诺明轩佳怡博文嘉懿梓睿语桐晨曦若汐诗涵梦琪皓轩天佑浩宇泽宇雅琪紫涵沐阳家豪晓峰丽娜海洋春燕志强建华秀英桂兰玉梅"  # noqa: E501


class NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        # A few hundred thousand names are made per second: precompute the choices once.
        weights = [1 / (rank + 4) for rank in range(len(SURNAMES))]
        self._surnames = rng.choices(SURNAMES, weights=weights, k=4096)

    def full_name(self) -> str:
        rng = self.rng
        surname = self._surnames[rng.getrandbits(12)]
        if rng.random() < 0.75:
            return surname + GIVEN[rng.randrange(len(GIVEN))] + GIVEN[rng.randrange(len(GIVEN))]
        return surname + GIVEN[rng.randrange(len(GIVEN))]
