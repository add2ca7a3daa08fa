import random

from django.test import TestCase

from sitetrack.core.testing import make_area
from sitetrack.geo.spatial import (
    bbox_polygon,
    distance_m,
    point_in_area,
    point_in_country_extent,
    random_point_in_area,
)


class PointInAreaTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.car = make_area(
            "CF", "Central African Republic", 0, min_lon=14.4, min_lat=2.2, max_lon=27.5, max_lat=11.1
        )
        cls.bangui = make_area("CF71", "Bangui", 1, cls.car, boundary=bbox_polygon(18.40, 4.30, 18.65, 4.48))
        cls.arr1 = make_area(
            "CF711", "1er Arrondissement", 2, cls.bangui, boundary=bbox_polygon(18.55, 4.35, 18.60, 4.40)
        )
        cls.arr1_3 = make_area("CF7111", "1er Arrondissement", 3, cls.arr1)
        cls.ombella = make_area("CF11", "Ombella M'Poko", 1, cls.car)

    def test_a_point_inside_the_boundary_is_inside(self) -> None:
        self.assertIs(point_in_area(self.arr1, 4.37, 18.57), True)

    def test_a_point_outside_the_boundary_is_outside(self) -> None:
        self.assertIs(point_in_area(self.arr1, 4.45, 18.45), False)

    def test_an_area_without_boundary_uses_its_nearest_ancestor(self) -> None:
        # Inside Bangui but outside the 1er arrondissement: the admin3 area has no boundary,
        # so its parent's (CF711) applies, not the grandparent's.
        self.assertIs(point_in_area(self.arr1_3, 4.45, 18.45), False)
        self.assertIs(point_in_area(self.arr1_3, 4.37, 18.57), True)

    def test_it_cannot_tell_when_no_boundary_is_known(self) -> None:
        self.assertIsNone(point_in_area(self.ombella, 4.5, 18.0))

    def test_a_boundary_update_is_not_hidden_by_the_cache(self) -> None:
        self.assertIs(point_in_area(self.arr1, 4.45, 18.45), False)
        self.arr1.boundary = bbox_polygon(18.40, 4.40, 18.50, 4.50)
        self.arr1.save()
        self.arr1.refresh_from_db()
        self.assertIs(point_in_area(self.arr1, 4.45, 18.45), True)

    def test_a_feature_boundary_is_accepted(self) -> None:
        area = make_area(
            "CF712",
            "2e Arrondissement",
            2,
            self.bangui,
            boundary={"type": "Feature", "properties": {}, "geometry": bbox_polygon(18.5, 4.3, 18.6, 4.4)},
        )
        self.assertIs(point_in_area(area, 4.35, 18.55), True)

    def test_country_extent_comes_from_the_bbox_fields(self) -> None:
        self.assertTrue(point_in_country_extent(self.car, 4.36, 18.58))
        self.assertFalse(point_in_country_extent(self.car, 48.85, 2.35))
        self.assertFalse(point_in_country_extent(self.car, 4.36, 38.58))

    def test_random_points_are_inside_and_deterministic(self) -> None:
        first = [random_point_in_area(self.arr1, random.Random(7)) for _ in range(3)]
        self.assertEqual(len(set(first)), 1)
        rng = random.Random(1)
        for _ in range(20):
            lat, lon = random_point_in_area(self.arr1_3, rng)
            self.assertIs(point_in_area(self.arr1, lat, lon), True)
        self.assertIsNone(random_point_in_area(self.ombella, rng))

    def test_distance_is_in_metres(self) -> None:
        # 0.001 degree of latitude is about 111 m.
        self.assertAlmostEqual(distance_m(4.0, 18.0, 4.001, 18.0), 111.2, delta=0.5)
