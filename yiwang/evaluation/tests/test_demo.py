"""The demo seeder rates closed cases through the same rules, and running it again adds nothing."""

from yiwang.evaluation.demo import seed_evaluation
from yiwang.evaluation.models import Rating, Rectification


def test_the_seeder_rates_closed_cases_and_appeals_once(place):
    first = seed_evaluation(case_share=1.0, appeal_share=1.0)
    ratings = Rating.objects.count()
    assert first["ratings"] == 2 and ratings == first["ratings"] + first["visits"]
    assert Rating.objects.filter(case=place.case).exists() and Rating.objects.filter(appeal=place.appeal).exists()
    assert not Rating.objects.filter(case=place.open_case).exists()
    assert all(r.rating.grade == "bad" for r in Rectification.objects.select_related("rating"))
    assert seed_evaluation(case_share=1.0, appeal_share=1.0) == {"ratings": 0, "visits": 0}
    assert Rating.objects.count() == ratings
