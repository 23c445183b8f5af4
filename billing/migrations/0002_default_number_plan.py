"""Default number plan (R-LD-3, R-BIL-5): administration edits it afterwards."""

from django.db import migrations

# kind, prefix, class, min length, max length, note
DEFAULT_RULES = [
    ("class", "", "internal", 3, 6, "内部短号"),
    ("class", "110", "emergency", 3, 3, "匪警"),
    ("class", "119", "emergency", 3, 3, "火警"),
    ("class", "120", "emergency", 3, 3, "急救"),
    ("class", "122", "emergency", 3, 3, "交通事故"),
    *[("class", d, "local", 7, 8, "本地固话") for d in "2345678"],
    *[("class", f"1{d}", "mobile", 11, 11, "手机") for d in "3456789"],
    ("class", "0", "domestic", 10, 12, "国内长途（0+区号）"),
    ("class", "00", "international", 7, 20, "国际长途"),
    ("class", "00852", "hk_mo_tw", 10, 20, "香港"),
    ("class", "00853", "hk_mo_tw", 10, 20, "澳门"),
    ("class", "00886", "hk_mo_tw", 10, 20, "台湾"),
    ("class", "400", "toll_free", 10, 10, "400 电话"),
    ("class", "800", "toll_free", 10, 10, "800 免费电话"),
    ("class", "168", "premium", 5, 12, "声讯台"),
    ("class", "160", "premium", 5, 12, "声讯台"),
    ("class", "100", "service", 5, 5, "运营商客服"),
    ("class", "95", "service", 5, 8, "服务热线"),
    ("class", "12", "service", 5, 5, "政务服务热线"),
    ("ip_prefix", "17909", "", 5, 30, "中国电信 IP"),
    ("ip_prefix", "17951", "", 5, 30, "中国移动 IP"),
    ("ip_prefix", "17911", "", 5, 30, "中国联通 IP"),
    ("ip_prefix", "12593", "", 5, 30, "中国移动 IP"),
    ("ip_prefix", "17969", "", 5, 30, "中国联通 IP"),
]


def seed(apps, schema_editor):
    NumberRule = apps.get_model("billing", "NumberRule")
    if NumberRule.objects.exists():
        return
    NumberRule.objects.bulk_create(
        NumberRule(
            kind=kind,
            prefix=prefix,
            call_class=call_class,
            min_length=low,
            max_length=high,
            note=note,
        )
        for kind, prefix, call_class, low, high, note in DEFAULT_RULES
    )


def unseed(apps, schema_editor):
    apps.get_model("billing", "NumberRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
