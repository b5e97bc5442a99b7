"""Track analyses against analytic ground truth and TrackMate's own features."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from volltrack import VolltrackError
from volltrack.analysis import (
    boundary_distance,
    build_lineage,
    division_localisation,
    ensemble_msd,
    intensity_spectra,
    lineage_from_trackmate,
    measure_spot_intensity,
    msd,
    population_over_time,
    signed_distance_map,
    spectrum,
    spot_motion,
    track_motion,
    tracklet_boundary_summary,
    tracklet_motion,
)
from volltrack.io import read_trackmate


def _lineage(rows, edges, **kwargs):
    spots = pd.DataFrame(
        rows, columns=["id", "frame", "POSITION_X", "POSITION_Y", "POSITION_Z", *kwargs.pop(
            "extra", [])]
    )  # fmt: skip
    return build_lineage(spots, pd.DataFrame(edges, columns=["source", "target"]), **kwargs)


# --- motion ---------------------------------------------------------------------------------

V = np.array([0.3, -0.4, 1.2])  # µm/s, |V| = 1.3
DT = 5.0


def constant_velocity(frames, start=(10.0, 20.0, 5.0), first_id=0):
    rows = [(first_id + k, f, *(np.asarray(start) + V * f * DT)) for k, f in enumerate(frames)]
    edges = [(first_id + k, first_id + k + 1) for k in range(len(frames) - 1)]
    return rows, edges


def test_constant_velocity_speed_msd_and_gap():
    frames = [0, 1, 2, 4, 5, 6, 7, 9, 10]  # two gaps
    rows, edges = constant_velocity(frames)
    lin = _lineage(rows, edges, time_interval=DT, space_units="µm", time_units="s")
    speed = np.linalg.norm(V)
    m = spot_motion(lin)
    np.testing.assert_allclose(m["speed"].iloc[1:], speed, rtol=1e-12)
    assert np.isnan(m["speed"].iloc[0])
    np.testing.assert_allclose(m["dt"].iloc[1:], np.diff(frames) * DT)
    np.testing.assert_allclose(m["displacement"], speed * np.array(frames) * DT, rtol=1e-12)
    np.testing.assert_allclose(m["path_length"], speed * np.array(frames) * DT, rtol=1e-12)
    np.testing.assert_allclose(m["directional_change"].iloc[2:], 0.0, atol=1e-7)
    tm = tracklet_motion(lin, m)
    assert tm["mean_speed"].item() == pytest.approx(speed)
    assert tm["straightness"].item() == pytest.approx(1.0)
    assert tm["duration"].item() == 10 * DT
    # the lag-averaged MSD is exactly v² τ² at every lag, pairs across gaps at their true lag
    per = msd(lin)
    np.testing.assert_allclose(per["lag"], per["lag_frames"] * DT)
    np.testing.assert_allclose(per["msd"], speed**2 * per["lag"] ** 2, rtol=1e-12)
    lags = np.subtract.outer(frames, frames)
    expected_pairs = {k: int((lags == k).sum()) for k in range(1, 11)}
    assert dict(zip(per["lag_frames"], per["n_pairs"], strict=True)) == {
        k: n for k, n in expected_pairs.items() if n
    }
    assert per["n_pairs"].sum() == len(frames) * (len(frames) - 1) // 2


def test_ensemble_msd_weights_every_pair():
    a, ea = constant_velocity(range(6))
    b, eb = constant_velocity(range(3), first_id=100)
    lin = _lineage(a + b, ea + eb, time_interval=DT)
    pooled = ensemble_msd(msd(lin))
    np.testing.assert_allclose(pooled["msd"], np.linalg.norm(V) ** 2 * pooled["lag"] ** 2)
    assert pooled.loc[pooled["lag_frames"] == 1, "n_pairs"].item() == 5 + 2
    assert pooled.loc[pooled["lag_frames"] == 1, "n_tracklets"].item() == 2
    assert pooled.loc[pooled["lag_frames"] == 5, "n_tracklets"].item() == 1


def test_directional_change_of_a_square_path():
    rows = [(0, 0, 0, 0, 0), (1, 1, 1, 0, 0), (2, 2, 1, 1, 0), (3, 3, 0, 1, 0)]
    lin = _lineage(rows, [(0, 1), (1, 2), (2, 3)], time_interval=2.0)
    m = spot_motion(lin)
    np.testing.assert_allclose(m["directional_change"].iloc[2:], np.pi / 2)
    np.testing.assert_allclose(m["directional_change_rate"].iloc[2:], np.pi / 4)


def test_daughters_step_from_the_mother_and_divisions_are_localised():
    # mother moves along x, divides at frame 2; daughters step ±y
    rows = [(1, 0, 0, 0, 0), (2, 1, 1, 0, 0), (3, 2, 2, 0, 0), (4, 3, 2, 3, 0),
            (5, 3, 2, -4, 0), (6, 4, 2, 6, 0)]  # fmt: skip
    lin = _lineage(rows, [(1, 2), (2, 3), (3, 4), (3, 5), (4, 6)], time_interval=1.0)
    m = spot_motion(lin).set_index("spot_id")
    assert m.loc[4, "speed"] == 3.0 and m.loc[5, "speed"] == 4.0
    assert m.loc[4, "directional_change"] == pytest.approx(np.pi / 2)
    loc = division_localisation(lin)
    assert loc["distance"].tolist() == [3.0, 4.0]
    assert loc["sister_distance"].tolist() == [7.0, 7.0]
    assert (loc["mother_end_frame"] == 2).all() and (loc["daughter_start_frame"] == 3).all()
    pop = population_over_time(lin, spot_motion(lin))
    assert pop["n_cells"].tolist() == [1, 1, 1, 2, 1]
    assert pop["n_divisions"].tolist() == [0, 0, 1, 0, 0]
    assert pop["n_tracklets"].tolist() == [1, 1, 1, 2, 1]
    assert pop.loc[3, "mean_speed"] == 3.5
    tr = track_motion(lin)
    assert tr["path_length"].item() == 1 + 1 + 3 + 4 + 3
    assert tr["max_distance_from_root"].item() == pytest.approx(np.hypot(2, 6))


SPLIT_FREE = [
    "reader/FakeTracks_crop_TrackMate-3.7.0.xml",
    "lap-conformance/trackmate_tracks_without_gap_closing.xml",
    "lap-conformance/trackmate_tracks_with_gap_closing.xml",
    "lap-conformance/trackmate_tracks_with_splitting.xml",
]


@pytest.mark.parametrize("name", SPLIT_FREE)
def test_speeds_equal_trackmates_edge_velocity(trackmate_fixtures, name):
    """TrackMate's VELOCITY per edge and TRACK_MEAN/MAX_SPEED per track are the oracle."""
    data = read_trackmate(trackmate_fixtures / name)
    lin = lineage_from_trackmate(data)
    m = spot_motion(lin).set_index("spot_id")
    frame = data.spots.set_index("id")["frame"]
    e = data.edges
    later = np.where(frame[e["source"]].to_numpy() > frame[e["target"]].to_numpy(),
                     e["source"], e["target"])  # fmt: skip
    velocity = "VELOCITY" if "VELOCITY" in e else "SPEED"
    np.testing.assert_allclose(m.loc[later, "speed"], e[velocity], rtol=1e-9)
    tracks = track_motion(lin).merge(data.tracks, on="track_id")
    np.testing.assert_allclose(tracks["mean_speed"], tracks["TRACK_MEAN_SPEED"], rtol=1e-9)
    np.testing.assert_allclose(tracks["max_speed"], tracks["TRACK_MAX_SPEED"], rtol=1e-9)


# --- distance to the tissue boundary --------------------------------------------------------

VOXEL = (2.0, 0.5, 0.5)  # anisotropic (z, y, x) µm
R = 6.0
CENTRE = np.array([12.0, 10.0, 10.0])  # µm (z, y, x)


def sphere_mask(n_frames=3, shift=1.0):
    """A sphere of radius R moving by ``shift`` µm along x per frame, TZYX."""
    shape = (13, 41, 51)
    z, y, x = np.meshgrid(*[np.arange(n) * s for n, s in zip(shape, VOXEL, strict=True)],
                          indexing="ij")  # fmt: skip
    mask = np.zeros((n_frames, *shape), np.uint8)
    for t in range(n_frames):
        c = CENTRE + np.array([0.0, 0.0, shift * t])
        mask[t] = ((z - c[0]) ** 2 + (y - c[1]) ** 2 + (x - c[2]) ** 2) <= R**2
    return mask


def test_signed_distance_to_a_sphere_with_anisotropic_voxels():
    mask = sphere_mask()
    # spots on voxel centres at known distances from the moving centre, along x, y and z
    offsets = {  # (dz, dy, dx) µm → true signed distance R − r
        "x_in": (0, 0, 3.0), "x_out": (0, 0, 9.0), "y_in": (0, -2.0, 0), "y_out": (0, 8.5, 0),
        "z_in": (-4.0, 0, 0), "z_out": (8.0, 0, 0), "centre": (0, 0, 0),
    }  # fmt: skip
    rows, truth, tol = [], [], []
    sid = 0
    for t in range(mask.shape[0]):
        for key, off in offsets.items():
            p = CENTRE + np.array([0.0, 0.0, 1.0 * t]) + np.asarray(off)
            rows.append((sid, t, p[2], p[1], p[0]))
            truth.append(R - np.linalg.norm(off))
            tol.append(VOXEL[0] if key.startswith("z") else VOXEL[1])
            sid += 1
    spots = pd.DataFrame(rows, columns=["id", "frame", "POSITION_X", "POSITION_Y", "POSITION_Z"])
    lin = build_lineage(spots, pd.DataFrame({"source": [], "target": []}), lonely_spots=True)
    d = boundary_distance(lin, mask, VOXEL).set_index("spot_id").loc[spots["id"]]
    err = d["distance_to_boundary"].to_numpy() - np.asarray(truth)
    assert np.all(np.abs(err) <= np.asarray(tol) + 1e-9), err
    assert (np.sign(d["distance_to_boundary"]) == np.sign(truth)).all()
    assert (d["inside"] == (np.asarray(truth) > 0)).all()
    # the map itself: at the centre voxel the distance is R within one z voxel
    sdf = signed_distance_map(mask[0], VOXEL)
    iz, iy, ix = np.round(CENTRE / VOXEL).astype(int)
    assert abs(sdf[iz, iy, ix] - R) <= VOXEL[0]
    assert (
        sdf.dtype == np.float32 and (sdf[mask[0] > 0] > 0).all() and (sdf[mask[0] == 0] < 0).all()
    )


def test_tyx_mask_is_an_in_plane_distance():
    yy, xx = np.mgrid[0:40, 0:40] * 0.5
    disc = ((yy - 10) ** 2 + (xx - 10) ** 2 <= 5.0**2).astype(np.uint8)
    mask = np.stack([disc, disc])
    rows = [(0, 0, 10.0, 13.0, 0.0), (1, 1, 10.0, 17.0, 30.0)]  # z is ignored for a TYX mask
    lin = _lineage(rows, [(0, 1)])
    d = boundary_distance(lin, mask, (9.0, 0.5, 0.5))
    np.testing.assert_allclose(d["distance_to_boundary"], [2.0, -2.0], atol=0.5)
    summary = tracklet_boundary_summary(lin, d)
    assert summary["role"].tolist() == ["root"]
    assert summary["change"].item() == pytest.approx(
        d["distance_to_boundary"].iloc[1] - d["distance_to_boundary"].iloc[0]
    )


def test_boundary_errors_and_edge_cases():
    rows = [(0, 0, 1.0, 1.0, 0.0), (1, 1, 100.0, 1.0, 0.0)]
    lin = _lineage(rows, [(0, 1)])
    with pytest.raises(VolltrackError, match=r"no tissue mask given.*no image-edge fallback"):
        boundary_distance(lin, None, (1.0, 1.0, 1.0))
    with pytest.raises(VolltrackError, match=r"has 1 frames .* frame 1"):
        boundary_distance(lin, np.ones((1, 4, 4)), (1.0, 1.0, 1.0))
    with pytest.raises(VolltrackError, match="expected TZYX or TYX"):
        boundary_distance(lin, np.ones((4, 4)), (1.0, 1.0, 1.0))
    full = np.ones((2, 8, 8), np.uint8)
    half = full.copy()
    half[1, :, 4:] = 0
    d = boundary_distance(lin, half, (1.0, 1.0, 1.0))["distance_to_boundary"]
    assert np.isnan(d.iloc[0])  # frame 0 is all tissue: no boundary, no number
    assert np.isnan(d.iloc[1])  # outside the image


# --- intensity ------------------------------------------------------------------------------

F = 0.05  # Hz
STEP = 2.0  # s


def test_sinusoid_peak_at_its_frequency():
    t = np.arange(80) * STEP  # 8 whole periods
    values = 5 + 0.1 * t + 2.0 * np.sin(2 * np.pi * F * t)
    freq, amp, resampled, step = spectrum(t, values)
    assert not resampled and step == STEP
    k = np.argmax(amp[1:]) + 1
    assert freq[k] == pytest.approx(F)
    assert amp[k] == pytest.approx(2.0, rel=0.02)
    assert freq[-1] == pytest.approx(1 / (2 * STEP))
    assert len(freq) == len(amp) == 41


def test_spectrum_per_tracklet_with_a_gap():
    frames = [f for f in range(80) if f not in (11, 12, 40)]
    rows = [(f, f, 0.0, 0.0, 0.0, 100 + 3 * np.sin(2 * np.pi * F * f * STEP)) for f in frames]
    edges = list(itertools.pairwise(frames))
    lin = _lineage(rows, edges, extra=["MEAN_INTENSITY_CH2"], time_interval=STEP)
    spectra, peaks = intensity_spectra(lin, "MEAN_INTENSITY_CH2")
    assert peaks["resampled"].tolist() == [True]
    assert peaks["peak_frequency"].item() == pytest.approx(F)
    assert peaks["peak_amplitude"].item() == pytest.approx(3.0, rel=0.05)
    assert peaks["n_samples"].item() == len(frames)
    assert len(spectra) == 80 // 2 + 1  # the even grid has 80 samples
    with pytest.raises(VolltrackError, match=r"'CH3' not found; the spots have: .*MEAN_INTENSITY"):
        intensity_spectra(lin, "CH3")


def test_short_tracklets_get_no_spectrum():
    rows = [(f, f, 0.0, 0.0, 0.0, np.sin(f)) for f in range(7)]
    lin = _lineage(rows, [(f, f + 1) for f in range(6)], extra=["MEAN_INTENSITY_CH1"])
    spectra, peaks = intensity_spectra(lin, "MEAN_INTENSITY_CH1", min_samples=8)
    assert spectra.empty and peaks.empty
    _, peaks = intensity_spectra(lin, "MEAN_INTENSITY_CH1", min_samples=7)
    assert peaks["n_samples"].tolist() == [7]


def test_raw_intensity_in_a_ball():
    raw = np.zeros((2, 2, 5, 20, 20), np.float32)  # T C Z Y X
    raw[0, 0, 2, 5:8, 5:8] = 10.0  # a 3×3 block around (2, 6, 6)
    raw[1, 1] = 7.0
    rows = [(0, 0, 6.0, 6.0, 2.0), (1, 1, 6.0, 6.0, 2.0)]
    lin = _lineage(rows, [(0, 1)])
    table = measure_spot_intensity(lin, raw, (1.0, 1.0, 1.0), radius=1.0)
    # the ball of radius 1 voxel holds 7 voxels: 5 of them in the block's plane
    assert table["RAW_MEAN_INTENSITY_CH1"].tolist() == pytest.approx([50 / 7, 0.0])
    assert table["RAW_MEAN_INTENSITY_CH2"].tolist() == pytest.approx([0.0, 7.0])
