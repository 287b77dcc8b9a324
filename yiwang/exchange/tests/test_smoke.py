from yiwang.exchange import services
from yiwang.exchange.tests.conftest import zhang


def test_lookup_serves_subscribed_fields_masked(county, now):
    # when
    result = services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name", "gender"],
                             purpose="企业开办", now=now)
    # then
    assert result.found
    assert result.data == {"name": "张*", "gender": "男"}
