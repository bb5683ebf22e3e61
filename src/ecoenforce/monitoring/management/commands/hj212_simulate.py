"""python manage.py hj212_simulate — N simulated data loggers over real TCP, with labelled faults.

    hj212_simulate --host 127.0.0.1 --port 9000 --days 3          # against a running hj212_serve
    hj212_simulate --demo --points 200 --days 3                    # make demo: own server, then the rules

Loggers are the registered devices (--demo registers the demo's monitoring points first). Each hour a
logger sends its hourly data (2061) and its treatment facility's run status (2021, SB1-RS); the points'
production and treatment power meters (分表计电) get the simulated kW straight in the database (they do
not speak HJ 212). Faults (see monitoring/simulate.py) are written with their labels to --labels (JSON).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections
from django.utils import timezone

from ecoenforce.monitoring import aio
from ecoenforce.monitoring.loadgen import CST, Device, packets_for, send_all
from ecoenforce.monitoring.models import Device as DeviceModel
from ecoenforce.monitoring.simulate import generate


class Command(BaseCommand):
    help = "模拟数采仪经 TCP 按 HJ 212 协议上报数据（含日变化规律和标注的故障）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9000)
        parser.add_argument("--points", type=int, default=50, help="参与上报的已登记监测点数量")
        parser.add_argument("--days", type=int, default=3, help="上报截至当前的多少天小时数据")
        parser.add_argument("--fault-share", type=float, default=0.3)
        parser.add_argument("--bad-share", type=float, default=0.01, help="故意损坏的报文比例")
        parser.add_argument("--seed", type=int, default=212)
        parser.add_argument("--labels", default="", help="把注入的故障写入该 JSON 文件")
        parser.add_argument(
            "--no-power", dest="power", action="store_false",
            help="不写入生产设施和治理设施电表读数",
        )  # fmt: skip
        parser.add_argument(
            "--demo", action="store_true", help="登记演示数采仪、自带接收服务并运行筛查规则"
        )

    def handle(self, *args: Any, **o: Any) -> None:
        if o["demo"]:
            from ecoenforce.monitoring.demo import register_demo_devices

            self.stdout.write(f"已登记演示数采仪 {register_demo_devices()} 台")
        devices = list(DeviceModel.objects.select_related("point__outlet").order_by("id")[: o["points"]])
        if not devices:
            self.stderr.write("没有已登记的数采仪（先登记设备，或使用 --demo）")
            return
        water = [d for d in devices if d.point.outlet.kind == "water"]
        air = [d for d in devices if d.point.outlet.kind != "water"]
        now = timezone.now().astimezone(CST).replace(minute=0, second=0, microsecond=0)
        start = now - dt.timedelta(days=o["days"])
        per_logger, labels = [], []
        power: list[Any] = []
        for group, pollutants, flow in (
            (water, ("w01018", "w21003"), "w00000"),
            (air, ("a21026",), "a00000"),
        ):
            if not group:
                continue
            sim = generate(
                len(group),
                max(o["days"], 3),
                seed=o["seed"],
                fault_share=o["fault_share"],
                pollutants=pollutants,
            )
            n = len(group)
            for i, d in enumerate(group):
                dev = Device(d.mn, "123456", [i + k * n for k in range(len(pollutants))], flow)
                dev.pw = d.point.password
                per_logger.append(packets_for(dev, sim, start, range(o["days"] * 24)))
                hours = [start + dt.timedelta(hours=h) for h in range(o["days"] * 24)]
                power.append(
                    (
                        d.point,
                        [
                            (t, float(sim.production_kw[i, h]), float(sim.treatment_kw[i, h]))
                            for h, t in enumerate(hours)
                        ],
                    )
                )
            labels += [
                {
                    "mn": group[lb.row % n].mn,
                    "rule": lb.rule,
                    "start": (start + dt.timedelta(hours=lb.start)).isoformat(),
                    "end": (start + dt.timedelta(hours=lb.end)).isoformat(),
                }
                for lb in sim.labels
            ]
        result = aio.run(self._send(o, per_logger))
        if o["power"]:
            from ecoenforce.monitoring.demo import demo_power_readings

            self.stdout.write(f"电表读数：{demo_power_readings(power)} 条")
        self.stdout.write(
            f"已发送 {result.sent} 条报文（其中故意损坏 {result.bad_sent} 条），收到应答 {result.acked} 条"
        )
        if o["labels"]:
            with open(o["labels"], "w", encoding="utf-8") as fh:
                json.dump(labels, fh, ensure_ascii=False, indent=1)
        if o["demo"]:
            from ecoenforce.monitoring.screening import screen_recent

            self.stdout.write(f"筛查规则发现异常 {screen_recent(now=timezone.now())} 处")

    async def _send(self, o: dict[str, Any], per_logger: list[Any]) -> Any:
        if not o["demo"]:
            return await send_all(o["host"], o["port"], per_logger, bad_share=o["bad_share"], seed=o["seed"])
        from ecoenforce.monitoring.ingest import Store
        from ecoenforce.monitoring.server import Batcher, IngestServer, Metrics, ServerConfig

        store = Store()
        metrics = Metrics()
        server = IngestServer(
            ServerConfig(host="127.0.0.1", port=0, first_connection=False),
            Batcher(store.store_batch, metrics, on_close=connections.close_all),
            metrics,
        )
        port = await server.start()
        try:
            return await send_all("127.0.0.1", port, per_logger, bad_share=o["bad_share"], seed=o["seed"])
        finally:
            await server.stop()
