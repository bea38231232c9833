"""A small 情景模拟 used by the scenario tests: three steps, a branch, an ending, 20 points at most."""

from __future__ import annotations

import textwrap

DEMO_SCENARIO = textwrap.dedent(
    """\
    title: 催付提醒
    customer: 小王
    intro: 买家**小王**拍下两袋坚果，一小时后还没付款。
    summary: 提醒付款只提醒一次，语气要轻。
    steps:
      - id: first
        customer: 在忙，还没顾上付款。
        choices:
          - reply: 没关系～地址核对无误的话，下午 5 点前付款今天就能发出。
            points: 10
            explanation: 给出一个**对买家有用**的理由。
          - reply: 请马上付款，否则订单会被取消。
            points: 2
            explanation: 语气生硬，像在催债。
            goto: angry
          - reply: （不回复）
            points: 0
            explanation: 错过了提醒的时机。
            goto: end
      - id: thanks
        customer: 好的，我这就付。
        choices:
          - reply: 谢谢您，收到货有问题随时找我。
            points: 10
            explanation: 道谢并留下售后的入口。
          - reply: 好。
            points: 3
            explanation: 太冷淡。
          - reply: 付完记得给五星好评哦！
            points: 0
            explanation: 不索要好评。
      - id: angry
        narration: 买家五分钟没有说话。
        customer: 催什么催，不买了。
        choices:
          - reply: 抱歉打扰您了，订单给您保留到今晚，需要时随时付款。
            points: 5
            explanation: 道歉并给买家留余地。
          - reply: 不买就算了。
            points: 0
            explanation: 放弃了挽回。
          - reply: 那我帮您取消订单吧。
            points: 1
            explanation: 买家说的是气话。
    """
)
"""Best path first A → thanks A → angry A (25 points); first B → angry (a branch); first C ends at once."""


__all__ = ["DEMO_SCENARIO"]
