import pandas as pd

# TODO：按题目规则为六个场景各写一条短信模板。
# 签名写在最前面，例如【吃货美食团】；变量写成 {买家昵称} 这样的花括号形式。
templates = {
    "发货提醒": "【吃货美食团】",
    "签收关怀": "【吃货美食团】",
    "物流异常": "【吃货美食团】",
    "好评感谢": "【吃货美食团】",
    "差评安抚": "【吃货美食团】",
    "生日关怀": "【吃货美食团】",
}

result = pd.DataFrame({"场景": list(templates), "短信内容": list(templates.values())})
print(result)
