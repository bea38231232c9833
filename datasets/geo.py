"""Provinces, cities and districts, weighted by population (2020 census, millions) tilted towards
the coastal provinces where more people shop online; addresses in the export's ``省 市 区 街道`` form."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (province as written in the export, population in millions, online-shopping tilt, remote,
#  "城市:区,区,…" with the largest city first)
_PROVINCES: tuple[tuple[str, float, float, bool, tuple[str, ...]], ...] = (
    ("广东省", 126.0, 1.3, False, ("广州市:天河区,越秀区,番禺区,白云区", "深圳市:南山区,福田区,宝安区,龙岗区",
                                "东莞市:南城街道,东城街道,长安镇", "佛山市:禅城区,南海区,顺德区", "汕头市:金平区,龙湖区",
                                "惠州市:惠城区,惠阳区")),
    ("山东省", 101.5, 0.9, False, ("济南市:历下区,市中区,槐荫区", "青岛市:市南区,崂山区,黄岛区", "烟台市:芝罘区,莱山区",
                                "潍坊市:奎文区,潍城区", "临沂市:兰山区,罗庄区")),
    ("河南省", 99.4, 0.8, False, ("郑州市:金水区,二七区,中原区", "洛阳市:西工区,洛龙区", "南阳市:卧龙区,宛城区",
                                "新乡市:红旗区,卫滨区")),
    ("江苏省", 84.7, 1.3, False, ("南京市:鼓楼区,玄武区,江宁区,建邺区", "苏州市:姑苏区,工业园区,吴中区",
                                "无锡市:梁溪区,滨湖区", "常州市:天宁区,武进区", "南通市:崇川区,通州区", "徐州市:云龙区,鼓楼区")),
    ("四川省", 83.7, 0.9, False, ("成都市:武侯区,锦江区,青羊区,高新区", "绵阳市:涪城区,游仙区", "南充市:顺庆区,高坪区",
                                "宜宾市:翠屏区,叙州区")),
    ("河北省", 74.6, 0.8, False, ("石家庄市:长安区,桥西区,裕华区", "保定市:竞秀区,莲池区", "唐山市:路北区,路南区",
                                "廊坊市:广阳区,安次区")),
    ("湖南省", 66.4, 0.9, False, ("长沙市:岳麓区,芙蓉区,天心区,雨花区", "株洲市:天元区,芦淞区", "衡阳市:蒸湘区,雁峰区",
                                "岳阳市:岳阳楼区,云溪区")),
    ("浙江省", 64.6, 1.5, False, ("杭州市:西湖区,拱墅区,上城区,余杭区,滨江区", "宁波市:海曙区,鄞州区,江北区",
                                "温州市:鹿城区,瓯海区", "金华市:婺城区,义乌市", "嘉兴市:南湖区,秀洲区", "绍兴市:越城区,柯桥区")),
    ("安徽省", 61.0, 0.9, False, ("合肥市:蜀山区,包河区,庐阳区", "芜湖市:镜湖区,弋江区", "蚌埠市:蚌山区,龙子湖区",
                                "阜阳市:颍州区,颍泉区")),
    ("湖北省", 57.8, 1.0, False, ("武汉市:武昌区,洪山区,江汉区,江岸区", "宜昌市:西陵区,伍家岗区", "襄阳市:樊城区,襄城区",
                                "荆州市:沙市区,荆州区")),
    ("广西壮族自治区", 50.1, 0.8, False, ("南宁市:青秀区,兴宁区,西乡塘区", "柳州市:城中区,鱼峰区", "桂林市:秀峰区,七星区")),
    ("云南省", 47.2, 0.8, False, ("昆明市:五华区,盘龙区,官渡区", "曲靖市:麒麟区,沾益区", "大理白族自治州:大理市")),
    ("江西省", 45.2, 0.8, False, ("南昌市:东湖区,西湖区,红谷滩区", "赣州市:章贡区,南康区", "九江市:浔阳区,濂溪区")),
    ("辽宁省", 42.6, 0.9, False, ("沈阳市:和平区,沈河区,浑南区", "大连市:中山区,沙河口区,甘井子区", "鞍山市:铁东区,铁西区")),
    ("福建省", 41.5, 1.2, False, ("福州市:鼓楼区,台江区,仓山区", "厦门市:思明区,湖里区,集美区", "泉州市:丰泽区,鲤城区,晋江市")),
    ("陕西省", 39.5, 0.9, False, ("西安市:雁塔区,碑林区,未央区,长安区", "咸阳市:秦都区,渭城区", "宝鸡市:金台区,渭滨区")),
    ("贵州省", 38.6, 0.7, False, ("贵阳市:南明区,云岩区,观山湖区", "遵义市:红花岗区,汇川区")),
    ("山西省", 34.9, 0.8, False, ("太原市:小店区,迎泽区,杏花岭区", "大同市:平城区,云冈区", "运城市:盐湖区")),
    ("重庆", 32.1, 1.0, False, ("重庆市:渝中区,江北区,渝北区,南岸区,沙坪坝区",)),
    ("黑龙江省", 31.9, 0.8, False, ("哈尔滨市:南岗区,道里区,香坊区", "大庆市:萨尔图区,让胡路区", "齐齐哈尔市:龙沙区,建华区")),
    ("新疆维吾尔自治区", 25.9, 0.6, True, ("乌鲁木齐市:天山区,沙依巴克区,新市区", "昌吉回族自治州:昌吉市")),
    ("甘肃省", 25.0, 0.6, False, ("兰州市:城关区,七里河区,安宁区", "天水市:秦州区,麦积区")),
    ("上海", 24.9, 1.6, False, ("上海市:浦东新区,徐汇区,闵行区,杨浦区,静安区,宝山区",)),
    ("内蒙古自治区", 24.0, 0.7, True, ("呼和浩特市:新城区,赛罕区,回民区", "包头市:昆都仑区,青山区")),
    ("吉林省", 24.1, 0.8, False, ("长春市:朝阳区,南关区,绿园区", "吉林市:船营区,丰满区")),
    ("北京", 21.9, 1.6, False, ("北京市:朝阳区,海淀区,丰台区,东城区,西城区,昌平区",)),
    ("天津", 13.9, 1.1, False, ("天津市:南开区,河西区,和平区,滨海新区",)),
    ("海南省", 10.1, 0.9, True, ("海口市:美兰区,龙华区", "三亚市:吉阳区,天涯区")),
    ("宁夏回族自治区", 7.2, 0.7, True, ("银川市:兴庆区,金凤区",)),
    ("青海省", 5.9, 0.6, True, ("西宁市:城西区,城中区,城东区",)),
    ("西藏自治区", 3.6, 0.5, True, ("拉萨市:城关区,堆龙德庆区",)),
)

_ROADS = ("人民路", "解放路", "中山路", "建设路", "新华路", "文化路", "朝阳路", "和平路", "幸福路", "光明路",
          "迎宾大道", "滨江路", "长江路", "黄河路", "东风路", "学府路", "工业大道", "青年路", "花园路", "胜利街")
_HOMES = ("小区", "花园", "公寓", "家园", "苑", "大厦", "新村", "广场")
_ESTATES = ("阳光", "金色", "翠湖", "锦绣", "东方", "华府", "枫林", "紫荆", "海棠", "春晓", "明珠", "书香")


@dataclass(frozen=True)
class CityTable:
    """Flat arrays over every city: index i is one city."""

    province: np.ndarray
    city: np.ndarray
    weight: np.ndarray
    remote: np.ndarray
    district_offset: np.ndarray
    district_count: np.ndarray
    districts: np.ndarray


def _build() -> CityTable:
    prov, city, weight, remote, d_off, d_cnt, districts = [], [], [], [], [], [], []
    for name, pop, tilt, far, cities in _PROVINCES:
        shares = np.array([1.0 / (rank + 1) ** 0.9 for rank in range(len(cities))])
        shares = shares / shares.sum()
        for spec, share in zip(cities, shares, strict=True):
            cname, dlist = spec.split(":")
            parts = dlist.split(",")
            prov.append(name)
            city.append(cname)
            weight.append(pop * tilt * share)
            remote.append(far)
            d_off.append(len(districts))
            d_cnt.append(len(parts))
            districts.extend(parts)
    w = np.array(weight)
    return CityTable(np.array(prov, dtype=object), np.array(city, dtype=object), w / w.sum(),
                     np.array(remote), np.array(d_off, dtype=np.int64), np.array(d_cnt, dtype=np.int64),
                     np.array(districts, dtype=object))


CITIES = _build()


def sample_cities(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices into ``CITIES`` in proportion to (tilted) population."""
    return rng.choice(len(CITIES.city), size=n, p=CITIES.weight)


def street_addresses(rng: np.random.Generator, city_idx: np.ndarray) -> np.ndarray:
    """``省 市 区 路 号 楼 室`` strings for the given city indices (object array)."""
    n = len(city_idx)
    d = CITIES.district_offset[city_idx] + rng.integers(0, 1 << 30, n) % CITIES.district_count[city_idx]
    road = np.array(_ROADS, dtype=object)[rng.integers(0, len(_ROADS), n)]
    estate = (np.array(_ESTATES, dtype=object)[rng.integers(0, len(_ESTATES), n)]
              + np.array(_HOMES, dtype=object)[rng.integers(0, len(_HOMES), n)])
    number = rng.integers(1, 800, n)
    building = rng.integers(1, 30, n)
    room = rng.integers(1, 33, n) * 100 + rng.integers(1, 6, n)
    parts = (CITIES.province[city_idx], CITIES.city[city_idx], CITIES.districts[d], road, number, estate, building, room)
    return np.array([f"{p} {c} {di} {r}{nu}号{e}{b}栋{ro}室" for p, c, di, r, nu, e, b, ro in
                     zip(*(part.tolist() for part in parts), strict=True)], dtype=object)
