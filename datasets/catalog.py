"""The shop's snack catalogue: 坚果, 果干, 肉脯, 糕点, 礼盒 with prices (元), net weights (g) and SKU options."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# 商家编码, 类目, 宝贝标题, 价格 (元), 净含量 (g), 人气 (relative weight), 可选 SKU (商品属性 options)
_PRODUCTS: tuple[tuple[str, str, str, float, int, float, tuple[str, ...]], ...] = (
    ("JG-001", "坚果", "吃货美食团 每日坚果 混合坚果仁 30包 独立小包装", 129.0, 750, 9.0, ("规格:30包", "规格:15包")),
    ("JG-002", "坚果", "临安手剥山核桃 小核桃 椒盐味 罐装", 59.9, 250, 4.0, ("口味:椒盐", "口味:奶油")),
    ("JG-003", "坚果", "奶油味夏威夷果 带开口器 袋装", 49.9, 500, 6.0, ("口味:奶油",)),
    ("JG-004", "坚果", "原色开心果 无漂白 大颗粒", 59.9, 500, 5.0, ("口味:原味", "口味:盐焗")),
    ("JG-005", "坚果", "碧根果 长寿果 奶油味 薄壳", 45.9, 500, 4.0, ("口味:奶油",)),
    ("JG-006", "坚果", "薄壳巴旦木 扁桃仁 原味", 39.9, 500, 4.0, ("口味:原味",)),
    ("JG-007", "坚果", "盐焗腰果 越南大腰果 罐装", 55.9, 500, 3.5, ("口味:盐焗", "口味:原味")),
    ("JG-008", "坚果", "东北红松子 开口 原味", 69.9, 250, 2.0, ("口味:原味",)),
    ("JG-009", "坚果", "兰花豆 蟹黄味 休闲小吃", 19.9, 500, 3.0, ("口味:蟹黄", "口味:牛肉")),
    ("JG-010", "坚果", "多味花生 五香花生米 下酒菜", 15.9, 500, 3.0, ("口味:五香", "口味:麻辣")),
    ("GG-001", "果干", "芒果干 厚切 酸甜软糯 袋装", 35.9, 500, 7.0, ("规格:500g", "规格:250g")),
    ("GG-002", "果干", "黄桃干 果肉果脯 独立包装", 19.9, 250, 3.0, ("规格:250g",)),
    ("GG-003", "果干", "草莓干 果干蜜饯 烘焙零食", 24.9, 200, 2.5, ("规格:200g",)),
    ("GG-004", "果干", "蔓越莓干 烘焙原料 即食", 32.9, 500, 2.5, ("规格:500g",)),
    ("GG-005", "果干", "新疆免洗葡萄干 绿香妃", 22.9, 500, 3.0, ("规格:500g",)),
    ("GG-006", "果干", "冻干榴莲 金枕头 酥脆", 49.9, 100, 2.0, ("规格:100g",)),
    ("GG-007", "果干", "香蕉脆片 菲律宾风味", 14.9, 250, 2.5, ("规格:250g",)),
    ("GG-008", "果干", "红枣夹核桃 新疆和田枣", 39.9, 500, 3.5, ("规格:500g",)),
    ("RP-001", "肉脯", "靖江猪肉脯 蜜汁味 500g 零食", 49.9, 500, 5.0, ("口味:蜜汁", "口味:香辣")),
    ("RP-002", "肉脯", "内蒙古风干牛肉干 手撕 250g", 59.9, 250, 4.5, ("口味:原味", "口味:麻辣")),
    ("RP-003", "肉脯", "麻辣鸭脖 独立小包 卤味零食", 29.9, 400, 4.0, ("口味:麻辣", "口味:甜辣")),
    ("RP-004", "肉脯", "低脂鸡胸肉干 健身零食", 26.9, 200, 2.5, ("口味:原味", "口味:黑胡椒")),
    ("RP-005", "肉脯", "卤味鹌鹑蛋 散装 小包装", 19.9, 500, 3.0, ("口味:卤香", "口味:香辣")),
    ("RP-006", "肉脯", "碳烤鱿鱼丝 手撕 海味零食", 29.9, 200, 2.5, ("口味:原味",)),
    ("RP-007", "肉脯", "辣条大礼包 怀旧零食 30包", 19.9, 600, 3.5, ("规格:30包",)),
    ("GD-001", "糕点", "手撕面包 早餐 整箱 1000g", 29.9, 1000, 6.0, ("口味:原味", "口味:奶香")),
    ("GD-002", "糕点", "台式凤梨酥 独立包装 伴手礼", 25.9, 300, 3.0, ("规格:12枚",)),
    ("GD-003", "糕点", "雪媚娘蛋黄酥 6枚 糕点", 29.9, 330, 3.5, ("规格:6枚",)),
    ("GD-004", "糕点", "传统绿豆糕 冰皮 400g", 19.9, 400, 2.5, ("口味:原味", "口味:抹茶")),
    ("GD-005", "糕点", "宫廷桃酥 老式糕点 500g", 22.9, 500, 2.5, ("规格:500g",)),
    ("GD-006", "糕点", "云南玫瑰鲜花饼 10枚", 32.9, 500, 2.5, ("规格:10枚",)),
    ("GD-007", "糕点", "黑糖沙琪玛 整箱 800g", 24.9, 800, 2.5, ("口味:黑糖", "口味:蛋酥")),
    ("LH-001", "礼盒", "坚果礼盒 年货款 8袋 1.5kg 送礼", 169.0, 1500, 2.5, ("款式:年货款",)),
    ("LH-002", "礼盒", "零食大礼包 网红款 一整箱 1.2kg", 99.0, 1200, 3.0, ("款式:网红款", "款式:儿童款")),
    ("LH-003", "礼盒", "肉脯礼盒 2kg 年货送礼", 199.0, 2000, 1.2, ("款式:豪华款",)),
    ("LH-004", "礼盒", "中式糕点礼盒 1kg 伴手礼", 128.0, 1000, 1.5, ("款式:中式",)),
    ("LH-005", "礼盒", "果干礼盒 1kg 6种果干", 88.0, 1000, 1.5, ("款式:六拼",)),
    ("LH-006", "礼盒", "年货坚果礼盒 豪华款 12袋 2.2kg", 268.0, 2200, 0.8, ("款式:豪华款",)),
)


@dataclass(frozen=True)
class Catalog:
    """Column arrays over the products (index i is one product); prices in 分 (int64)."""

    code: np.ndarray
    category: np.ndarray
    title: np.ndarray
    price_cents: np.ndarray
    grams: np.ndarray
    popularity: np.ndarray
    is_gift_box: np.ndarray
    option_offset: np.ndarray
    option_count: np.ndarray
    options: np.ndarray


def _build() -> Catalog:
    options: list[str] = []
    offsets, counts = [], []
    for row in _PRODUCTS:
        offsets.append(len(options))
        counts.append(len(row[6]))
        options.extend(f"{opt};净含量:{row[4]}g" for opt in row[6])
    col = list(zip(*_PRODUCTS, strict=True))
    cat = np.array(col[1], dtype=object)
    return Catalog(
        code=np.array(col[0], dtype=object),
        category=cat,
        title=np.array(col[2], dtype=object),
        price_cents=np.array([round(p * 100) for p in col[3]], dtype=np.int64),
        grams=np.array(col[4], dtype=np.int64),
        popularity=np.array(col[5], dtype=np.float64),
        is_gift_box=cat == "礼盒",
        option_offset=np.array(offsets, dtype=np.int64),
        option_count=np.array(counts, dtype=np.int64),
        options=np.array(options, dtype=object),
    )


CATALOG = _build()


def products_table() -> pd.DataFrame:
    """The ``products`` table."""
    return pd.DataFrame({
        "商家编码": CATALOG.code,
        "类目": CATALOG.category,
        "宝贝标题": CATALOG.title,
        "价格": CATALOG.price_cents / 100,
        "净含量g": CATALOG.grams,
    })
