//! The density engine on the real traces: results do not depend on how inputs are split
//! between stores (the page's workers, the CLI's cores), and filters and metrics agree
//! with each other. Cell-for-cell values against h3-py are in tests/oracle.

mod common;

use bytes::Bytes;
use common::{files_under, real};
use skyhex_core::Resolution;
use skyhex_core::density::{CellCount, Density, Metric};
use skyhex_core::engine::sharing::AircraftOwners;
use skyhex_core::engine::{
    AircraftSharing, HistogramBins, Histograms, PointStore, PointSums, aggregate_store, merge_aggregates,
};
use skyhex_core::filter::{GroundFilter, Pattern, PointFilter, SourceKind};
use skyhex_core::ingest::{self, Decoded};
use skyhex_core::points::PointColumns;

fn traces() -> Vec<Decoded> {
    files_under(&real("readsb_traces"))
        .iter()
        .map(|path| ingest::decode(Bytes::from(std::fs::read(path).expect("readable"))).expect("decodes"))
        .collect()
}

/// The inputs dealt round-robin into `store_count` stores, as a pool of workers would.
fn stores(inputs: &[Decoded], store_count: usize) -> Vec<PointStore> {
    let mut stores: Vec<PointStore> = (0..store_count).map(|_| PointStore::default()).collect();
    for (index, input) in inputs.iter().enumerate() {
        stores[index % store_count].add_input(&input.batches);
    }
    stores
}

fn density(stores: &[PointStore], resolution: Resolution, filter: &PointFilter) -> Density {
    Density::of_stores(stores, resolution, filter)
}

fn filters() -> Vec<PointFilter> {
    vec![
        PointFilter::default(),
        PointFilter { min_alt_ft: Some(2_000.0), max_alt_ft: Some(30_000.0), ..PointFilter::default() },
        PointFilter { ground: GroundFilter::Only, ..PointFilter::default() },
        PointFilter { sources: Some(vec![SourceKind::Mlat, SourceKind::Other]), ..PointFilter::default() },
        PointFilter {
            callsign: Some(Pattern::new("UAL")),
            from_ms: Some(1_685_000_000_000),
            ..PointFilter::default()
        },
    ]
}

#[test]
fn one_store_or_many_give_identical_results() {
    let inputs = traces();
    let one = stores(&inputs, 1);
    for store_count in [2, 4, 7] {
        let many = stores(&inputs, store_count);
        for resolution in [Resolution::Four, Resolution::Nine] {
            for filter in filters() {
                let expected = density(&one, resolution, &filter);
                assert!(expected.points > 0, "{filter:?} keeps points");
                assert_eq!(density(&many, resolution, &filter), expected, "{store_count} stores, {filter:?}");
            }
        }
    }
}

/// The page's path: each worker merges its stores into one aggregate, the page merges those.
#[test]
fn worker_aggregates_merge_to_the_same_density() {
    let inputs = traces();
    let one = stores(&inputs, 1);
    let worker_stores = stores(&inputs, 6);
    for resolution in [Resolution::Three, Resolution::Eight] {
        for filter in filters() {
            let aggregate =
                |store| aggregate_store(store, resolution, &filter, None, AircraftSharing::Possible);
            let workers: Vec<_> = worker_stores
                .chunks(2)
                .map(|worker| merge_aggregates(&worker.iter().map(aggregate).collect::<Vec<_>>()))
                .collect();
            let increasing = |cells: &[u64]| cells.is_sorted_by(|a, b| a < b);
            assert!(
                worker_stores.iter().all(|store| increasing(&aggregate(store).cells)),
                "sorted for merges"
            );
            assert!(workers.iter().all(|worker| increasing(&worker.cells)));
            let page = Density::merged(&workers, &[], resolution, &filter);
            assert_eq!(page, density(&one, resolution, &filter), "{filter:?}");
        }
    }
}

/// Stores whose aircraft no other store holds count them per cell; the others send pairs.
/// Merged directly (the CLI) or through workers' aggregates (the page), the density is the
/// same as one store's.
#[test]
fn stores_that_alone_hold_their_aircraft_count_them_alike() {
    let inputs = traces();
    // The aircraft of one group twice: in the one store they recur; among many, stores 0
    // and 4 both hold them, while stores 1 to 3 each hold aircraft no other store holds.
    let group = |input: &Decoded| aircraft_bytes_sum(input) % 4;
    let again: Vec<&Decoded> = inputs.iter().filter(|input| group(input) == 0).collect();
    let mut one = PointStore::default();
    inputs.iter().chain(again.iter().copied()).for_each(|input| one.add_input(&input.batches));
    let mut many: Vec<PointStore> = (0..5).map(|_| PointStore::default()).collect();
    inputs.iter().for_each(|input| many[group(input)].add_input(&input.batches));
    again.iter().for_each(|input| many[4].add_input(&input.batches));
    let owners = AircraftOwners::of_stores(&many);
    let shared: Vec<bool> = (0..5).map(|owner| owners.shares(owner)).collect();
    assert_eq!(shared, [true, false, false, false, true]);
    let sharing = |owner: usize| AircraftSharing::of_store_alone(!owners.shares(owner as u32));
    for resolution in [Resolution::Three, Resolution::Eight] {
        for filter in filters() {
            let expected = density(std::slice::from_ref(&one), resolution, &filter);
            let alone = aggregate_store(&one, resolution, &filter, None, AircraftSharing::None);
            let alone = Density::merged(&[alone], &[], resolution, &filter);
            assert_eq!(alone, expected, "one store counting its own, {filter:?}");
            let aggregates: Vec<_> = many
                .iter()
                .enumerate()
                .map(|(owner, store)| aggregate_store(store, resolution, &filter, None, sharing(owner)))
                .collect();
            let direct = Density::merged(&aggregates, &[], resolution, &filter);
            assert_eq!(direct, expected, "merged directly, {filter:?}");
            let workers: Vec<_> = aggregates.chunks(2).map(merge_aggregates).collect();
            let page = Density::merged(&workers, &[], resolution, &filter);
            assert_eq!(page, expected, "through workers, {filter:?}");
        }
    }
}

/// The sum of the bytes of the input's first address (its aircraft, as a number).
fn aircraft_bytes_sum(input: &Decoded) -> usize {
    let points = PointColumns::new(&input.batches[0]);
    points.address(0).unwrap_or_default().bytes().map(usize::from).sum()
}

/// A worker's store grows while the page queries it: each query computes cells only for
/// the points added since the last.
#[test]
fn cells_of_points_added_later_extend_the_column() {
    let inputs = traces();
    let mut growing = PointStore::default();
    for (index, input) in inputs.iter().enumerate() {
        growing.add_input(&input.batches);
        if index % 100 == 0 {
            growing.cell_column(Resolution::Seven);
        }
    }
    let fresh = &stores(&inputs, 1)[0];
    let (grown, whole) = (growing.cell_column(Resolution::Seven), fresh.cell_column(Resolution::Seven));
    assert_eq!(grown.len(), fresh.len());
    assert!(grown.point_cells().eq(whole.point_cells()));
    assert_eq!(grown.runs, whole.runs);
}

/// The cell column takes shortcuts inside cells (`engine::cells`); at every resolution it
/// still equals `latlng_to_cell` on every point.
#[test]
fn cell_columns_equal_latlng_to_cell_at_every_resolution() {
    let store = &stores(&traces(), 1)[0];
    for resolution in Resolution::range(Resolution::Zero, Resolution::Fifteen) {
        let column = store.cell_column(resolution);
        assert_eq!(column.point_cells().count(), store.len());
        for (point, column_cell) in column.point_cells().enumerate() {
            let (lat, lon) = store.lat_lon(point);
            let cell = h3o::LatLng::new(lat, lon).expect("valid").to_cell(resolution);
            assert_eq!(column_cell, u64::from(cell), "point {point} at {resolution}");
        }
    }
}

/// Sampling keeps the first point of each leg and every n-th after, whether the store is
/// sampled after its inputs, before them, or in steps between.
#[test]
fn sampling_keeps_every_nth_point_of_each_leg_whenever_it_is_applied() {
    let inputs = traces();
    let full = &stores(&inputs, 1)[0];
    let mut after = stores(&inputs, 1).remove(0);
    after.sample(4);
    let mut before = PointStore::default();
    before.sample(4);
    let mut in_steps = PointStore::default();
    in_steps.sample(2);
    for (index, input) in inputs.iter().enumerate() {
        before.add_input(&input.batches);
        in_steps.add_input(&input.batches);
        if index == inputs.len() / 2 {
            in_steps.sample(4);
        }
    }
    let expected: u64 = full.leg_points().map(|(_, points)| points.len().div_ceil(4) as u64).sum();
    for store in [&after, &before, &in_steps] {
        assert_eq!(store.keep_every(), 4);
        assert_eq!(store.len() as u64, expected);
        assert_eq!(store.legs(), after.legs());
        let all = density(std::slice::from_ref(store), Resolution::Six, &PointFilter::default());
        assert_eq!(all, density(std::slice::from_ref(&after), Resolution::Six, &PointFilter::default()));
    }
    assert_eq!(after.legs().len(), full.legs().len(), "every leg keeps its first point");
    let sampled = density(std::slice::from_ref(&after), Resolution::Six, &PointFilter::default());
    let whole = density(std::slice::from_ref(full), Resolution::Six, &PointFilter::default());
    assert_eq!(sampled.aircraft, whole.aircraft);
}

#[test]
fn filters_partition_the_points_and_metrics_hold_together() {
    let store = stores(&traces(), 1);
    let all = density(&store, Resolution::Six, &PointFilter::default());
    let ground = |ground| PointFilter { ground, ..PointFilter::default() };
    let on = density(&store, Resolution::Six, &ground(GroundFilter::Only));
    let off = density(&store, Resolution::Six, &ground(GroundFilter::Exclude));
    assert!(on.points > 0 && off.points > 0);
    assert_eq!(on.points + off.points, all.points, "on and off the ground partition the points");
    let by_source: u64 = SourceKind::ALL
        .iter()
        .map(|&source| {
            density(
                &store,
                Resolution::Six,
                &PointFilter { sources: Some(vec![source]), ..PointFilter::default() },
            )
            .points
        })
        .sum();
    assert_eq!(by_source, all.points, "source types partition the points");
    for cell in &all.cells {
        assert!(
            cell.flight_count >= cell.aircraft_count,
            "an aircraft flies at least one leg in {:?}",
            cell.cell
        );
        assert!(cell.aircraft_count <= cell.point_count);
        assert!(cell.aircraft_minutes <= cell.point_count as f64 * 2.0, "weights are capped at 2 minutes");
        if let (Some(mean), Some(max)) = (cell.value(Metric::MeanAltitude), cell.value(Metric::MaxAltitude)) {
            assert!(mean <= max);
        }
    }
    let minutes: f64 = all.cells.iter().map(|cell| cell.aircraft_minutes).sum();
    assert!(minutes > 0.0);
}

#[test]
fn histograms_count_what_the_other_filters_keep() {
    let store = stores(&traces(), 1);
    let band =
        PointFilter { min_alt_ft: Some(10_000.0), max_alt_ft: Some(20_000.0), ..PointFilter::default() };
    let bins = HistogramBins {
        time_start_ms: 1_693_353_600_000,
        time_bin_ms: 3_600_000,
        time_bins: 24,
        alt_band_ft: 1_000,
        alt_bands: 50,
    };
    let mut histograms = Histograms::new(bins);
    let aggregate =
        aggregate_store(&store[0], Resolution::Two, &band, Some(&mut histograms), AircraftSharing::Possible);
    assert_eq!(
        aggregate,
        aggregate_store(&store[0], Resolution::Two, &band, None, AircraftSharing::Possible),
        "histograms change no cell"
    );
    // The time histogram applies the altitude band, the altitude histogram does not.
    let in_band = density(&store, Resolution::Two, &band).points;
    let day =
        PointFilter { from_ms: Some(1_693_353_600_000), to_ms: Some(1_693_440_000_000), ..band.clone() };
    assert_eq!(histograms.time.iter().sum::<u64>(), density(&store, Resolution::Two, &day).points);
    assert!(in_band > histograms.time.iter().sum::<u64>(), "other days are outside the bins");
    let all = density(&store, Resolution::Two, &PointFilter::default()).points;
    assert_eq!(histograms.alt.iter().sum::<u64>() + histograms.alt_unknown, all);
    // Bands are [10,000, 11,000) ... [19,000, 20,000); the filter's band includes 20,000.
    assert_eq!(histograms.alt[10..20].iter().sum::<u64>(), in_band - exactly_at(&store, 20_000.0));
}

fn exactly_at(stores: &[PointStore], alt_ft: f64) -> u64 {
    let filter = PointFilter { min_alt_ft: Some(alt_ft), max_alt_ft: Some(alt_ft), ..PointFilter::default() };
    density(stores, Resolution::Two, &filter).points
}

/// Deterministic pseudo-random numbers (splitmix64) for the roll-up property.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[test]
fn rolled_up_counts_are_the_sums_of_their_children() {
    let mut seed = 42;
    for _ in 0..20 {
        let fine = Resolution::try_from((splitmix(&mut seed) % 6 + 6) as u8).expect("resolution");
        let coarse = Resolution::try_from((splitmix(&mut seed) % 6) as u8).expect("resolution");
        let lat = (splitmix(&mut seed) % 170_000) as f64 / 1000.0 - 85.0;
        let lon = (splitmix(&mut seed) % 360_000) as f64 / 1000.0 - 180.0;
        let parent = h3o::LatLng::new(lat, lon).expect("valid").to_cell(coarse);
        let cells: Vec<CellCount> = parent
            .children(fine)
            .step_by(3)
            .take(200)
            .map(|cell| CellCount {
                cell,
                points: splitmix(&mut seed) % 1000 + 1,
                aircraft: None,
                center: None,
            })
            .collect();
        let rolled = Density::merged(&[], &cells, coarse, &PointFilter::default());
        assert_eq!(rolled.cells.len(), 1, "all children of one parent");
        assert_eq!(rolled.cells[0].cell, parent);
        assert_eq!(rolled.cells[0].point_count, cells.iter().map(|cell| cell.points).sum::<u64>());
    }
}

/// A query adds a run of points in one cell at once when the filter keeps all of it: the
/// cells and histograms must be those of adding its points one by one, computed here
/// independently, for time windows and altitude bands that cut through runs.
#[test]
fn runs_add_up_to_their_points() {
    let store = &stores(&traces(), 1)[0];
    let times: Vec<i64> = (0..store.len()).filter_map(|point| store.time_ms(point)).collect();
    let (first, last) = (*times.iter().min().expect("times"), *times.iter().max().expect("times"));
    let bins = HistogramBins::over(first, last, 96);
    let mut filters = vec![PointFilter::default()];
    for k in 0..5 {
        let at = |part: i64| first + (last - first) * part / 7;
        filters.push(PointFilter { from_ms: Some(at(k)), to_ms: Some(at(k + 2)), ..PointFilter::default() });
    }
    for (min, max) in
        [(Some(2_000.0), Some(30_000.0)), (Some(10_000.5), Some(10_999.5)), (None, Some(3_000.0))]
    {
        filters.push(PointFilter {
            min_alt_ft: min,
            max_alt_ft: max,
            from_ms: Some(first + 1),
            ..PointFilter::default()
        });
    }
    for resolution in [Resolution::Two, Resolution::Five, Resolution::Seven] {
        let column = store.cell_column(resolution);
        let in_runs: u32 = column.runs.iter().map(|run| run.points).sum();
        assert!(in_runs as usize > store.len() / 5, "runs hold many points at {resolution}: {in_runs}");
        for filter in &filters {
            let mut histograms = Histograms::new(bins);
            let aggregate =
                aggregate_store(store, resolution, filter, Some(&mut histograms), AircraftSharing::Possible);
            let (cells, expected_histograms) = point_by_point(store, resolution, filter, bins);
            let got: std::collections::BTreeMap<u64, PointSums> =
                aggregate.cells.iter().copied().zip(aggregate.sums.iter().copied()).collect();
            assert_eq!(got, cells, "{resolution} {filter:?}");
            assert_eq!(histograms, expected_histograms, "{resolution} {filter:?}");
        }
    }
}

/// Cell sums and histograms of a filter without aircraft or state conditions, point by point.
fn point_by_point(
    store: &PointStore,
    resolution: Resolution,
    filter: &PointFilter,
    bins: HistogramBins,
) -> (std::collections::BTreeMap<u64, PointSums>, Histograms) {
    let mut cells = std::collections::BTreeMap::<u64, PointSums>::new();
    let mut histograms = Histograms::new(bins);
    for point in 0..store.len() {
        let on_ground = store.states()[store.state_of(point) as usize].on_ground;
        let time = store.time_ms(point);
        let alt = store.alt_ft(point);
        let in_window = filter.keeps_time(time);
        let in_band = filter.keeps_alt(alt.map(f64::from), on_ground);
        let airborne_alt = alt.filter(|_| !on_ground);
        if in_band && let Some(time) = time.filter(|&time| time >= bins.time_start_ms) {
            let bin = ((time - bins.time_start_ms) / bins.time_bin_ms) as usize;
            if let Some(count) = histograms.time.get_mut(bin) {
                *count += 1;
            }
        }
        if in_window {
            match airborne_alt {
                Some(alt) => histograms.alt[((alt.max(0.0) / 1_000.0) as usize).min(49)] += 1,
                None => histograms.alt_unknown += 1,
            }
        }
        if !(in_window && in_band) {
            continue;
        }
        let (lat, lon) = store.lat_lon(point);
        let cell = h3o::LatLng::new(lat, lon).expect("valid").to_cell(resolution);
        let sums = cells.entry(u64::from(cell)).or_default();
        let (lat_nanodeg, lon_nanodeg) = store.nanodegrees(point);
        sums.points += 1;
        sums.lat_nanodeg += i128::from(lat_nanodeg);
        sums.lon_nanodeg += i128::from(lon_nanodeg);
        sums.weight_ms += u64::from(store.weight_ms(point));
        if let Some(alt) = alt {
            sums.alt_points += 1;
            sums.alt_milli_ft += (f64::from(alt) * 1000.0).round() as i128;
            sums.alt_max_ft = sums.alt_max_ft.max(alt);
        }
    }
    (cells, histograms)
}

/// Each point of the real traces takes the store's stated bytes (the same traces loaded
/// again add points and legs, but no aircraft or states).
#[test]
fn the_real_traces_take_the_stated_bytes_per_point() {
    let inputs = traces();
    let mut once = stores(&inputs, 1).remove(0);
    let mut twice = stores(&[inputs.as_slice(), inputs.as_slice()].concat(), 1).remove(0);
    once.shrink_to_fit();
    twice.shrink_to_fit();
    let added_bytes = (twice.retained_bytes() - once.retained_bytes()) as f64;
    let per_point = added_bytes / (twice.len() - once.len()) as f64;
    assert!((16.0..17.0).contains(&per_point), "{per_point} bytes per point");
    assert_eq!(skyhex_core::engine::BYTES_PER_POINT, 16);
}

/// Going back to a resolution asked before reuses its cells while they fit the cache.
#[test]
fn columns_of_earlier_resolutions_are_kept_within_their_allowance() {
    let mut store = stores(&traces(), 1).remove(0);
    let five = store.cell_column(Resolution::Five);
    let one_column = store.retained_bytes();
    let _six = store.cell_column(Resolution::Six);
    assert!(store.retained_bytes() > one_column, "both columns are held");
    assert!(std::sync::Arc::ptr_eq(&five, &store.cell_column(Resolution::Five)), "res 5 is not recomputed");
    for resolution in [Resolution::Nine, Resolution::Ten, Resolution::Eleven] {
        store.cell_column(resolution);
    }
    assert!(
        !std::sync::Arc::ptr_eq(&five, &store.cell_column(Resolution::Five)),
        "fine columns pushed res 5 out"
    );
    store.forget_earlier_columns();
    assert_eq!(store.retained_bytes(), one_column, "only the last column stays");
}

/// A worker computes columns in slices while idle: the cells and runs come out as if
/// computed at once, and the column asked last stays cached.
#[test]
fn columns_prepared_in_slices_equal_columns_computed_at_once() {
    let inputs = traces();
    let whole = &stores(&inputs, 1)[0];
    for (resolution, slice) in [(Resolution::Five, 1_000), (Resolution::Nine, 7_777)] {
        let store = stores(&inputs, 1).remove(0);
        let asked = store.cell_column(Resolution::Three);
        let mut slices = 0;
        while store.prepare_cell_column(resolution, slice) {
            slices += 1;
        }
        assert!(slices > 5, "{slices} slices");
        assert!(std::sync::Arc::ptr_eq(&asked, &store.cell_column(Resolution::Three)), "res 3 stays");
        let (prepared, expected) = (store.cell_column(resolution), whole.cell_column(resolution));
        assert!(prepared.point_cells().eq(expected.point_cells()), "{resolution}");
        assert_eq!(prepared.runs, expected.runs, "{resolution}");
    }
}

/// Preparing a neighbour never pushes out a column asked before: one that does not fit
/// beside them is let go instead, and the user's way back stays immediate.
#[test]
fn a_prepared_column_that_does_not_fit_is_let_go_rather_than_an_asked_one() {
    // On these traces res 5 takes ~2.7 bytes a point, res 9 ~6.9 and res 11 ~10.9: the
    // three do not fit in the 16 bytes a point the columns may take.
    let store = stores(&traces(), 1).remove(0);
    let five = store.cell_column(Resolution::Five);
    let nine = store.cell_column(Resolution::Nine);
    let mut slices = 0;
    while store.prepare_cell_column(Resolution::Eleven, 1_000) {
        slices += 1;
    }
    assert!(slices > 0, "res 11 was begun");
    for (asked, resolution) in [(&five, Resolution::Five), (&nine, Resolution::Nine)] {
        assert!(std::sync::Arc::ptr_eq(asked, &store.cell_column(resolution)), "{resolution} stays");
    }
    // Res 11 was let go, so asking for it computes it whole.
    let before = store.retained_bytes();
    store.cell_column(Resolution::Eleven);
    assert!(store.retained_bytes() > before);
}

/// Past a worker's memory budget, the column being prepared goes, never the one asked last.
#[test]
fn a_worker_lets_go_of_a_prepared_column_but_not_of_the_one_asked_last() {
    let mut store = stores(&traces(), 1).remove(0);
    let five = store.cell_column(Resolution::Five);
    let asked = store.retained_bytes();
    assert!(store.prepare_cell_column(Resolution::Six, 1_000));
    assert!(store.retained_bytes() > asked);
    store.forget_prepared_column(Resolution::Six);
    assert_eq!(store.retained_bytes(), asked);
    store.forget_prepared_column(Resolution::Five);
    assert!(std::sync::Arc::ptr_eq(&five, &store.cell_column(Resolution::Five)), "res 5 stays");
}

#[test]
fn passages_through_a_cell_add_up_to_its_counts_whatever_the_stores() {
    use skyhex_core::engine::inspect::{Passage, merge_passages, passages_in_cell};
    let inputs = traces();
    let one = stores(&inputs, 1);
    for filter in filters() {
        let expected = density(&one, Resolution::Six, &filter);
        let densest = expected.cells.iter().max_by_key(|cell| (cell.point_count, cell.cell)).expect("cells");
        let in_one = merge_passages(passages_in_cell(&one[0], densest.cell, &filter));
        // Every point of the cell belongs to one passage (the real traces all have addresses).
        assert_eq!(
            in_one.iter().map(|passage| passage.points).sum::<u64>(),
            densest.point_count,
            "{filter:?}"
        );
        assert_eq!(in_one.len() as u64, densest.aircraft_count, "{filter:?}");
        assert!(in_one.windows(2).all(|pair| pair[0].points >= pair[1].points), "most points first");
        // A store knows an aircraft's registration and type only from its own inputs (readsb
        // traces carry them in every file; these derived ones do not): compare the rest.
        let anonymous = |passages: Vec<Passage>| -> Vec<Passage> {
            passages.into_iter().map(|p| Passage { registration: None, type_code: None, ..p }).collect()
        };
        let many = stores(&inputs, 3);
        let in_many =
            merge_passages(many.iter().flat_map(|store| passages_in_cell(store, densest.cell, &filter)));
        assert_eq!(anonymous(in_many), anonymous(in_one), "{filter:?}");
    }
}

#[test]
fn a_track_holds_every_point_of_its_aircraft_in_time_order() {
    use skyhex_core::engine::inspect::{merge_tracks, track_of};
    let inputs = traces();
    let one = stores(&inputs, 1);
    let store = &one[0];
    let address = store.aircraft().iter().find_map(|aircraft| aircraft.address.clone()).expect("an aircraft");
    let pieces = merge_tracks(track_of(store, &address));
    let filter = PointFilter { address: Some(Pattern::new(&address)), ..PointFilter::default() };
    let total = density(&one, Resolution::Zero, &filter).points;
    assert!(total > 0);
    // Every point of the aircraft but those readsb marked stale (they are gaps).
    let id = store.find_aircraft(&address).expect("known");
    let stale = stale_points(store, |leg| store.legs()[leg as usize].aircraft == id);
    assert!(stale > 0, "the real traces have stale points");
    assert_eq!(pieces.iter().map(Vec::len).sum::<usize>() as u64, total - stale);
    let times: Vec<i64> = pieces.iter().flatten().filter_map(|point| point.time_ms).collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "pieces follow each other in time");
    for piece in &pieces {
        for pair in piece.windows(2) {
            if let (Some(a), Some(b)) = (pair[0].time_ms, pair[1].time_ms) {
                assert!(b - a <= 120_000, "a piece has no stale gap");
            }
        }
    }
    let split = stores(&inputs, 4);
    let from_many = merge_tracks(split.iter().flat_map(|store| track_of(store, &address)));
    assert_eq!(from_many, pieces);
    assert!(track_of(store, "not-an-address").is_empty());
}

#[test]
fn traffic_thins_each_aircraft_and_keeps_its_line() {
    use skyhex_core::engine::inspect::{track_of, traffic};
    let inputs = traces();
    let one = stores(&inputs, 1);
    let store = &one[0];
    for (index, filter) in filters().into_iter().enumerate() {
        let whole = traffic(store, &filter, usize::MAX);
        assert_eq!(whole.keep_one_in, 1);
        let kept = density(&one, Resolution::Zero, &filter).points;
        let drawn = whole.pieces.iter().map(Vec::len).sum::<usize>() as u64;
        if index == 0 {
            assert_eq!(
                drawn,
                kept - stale_points(store, |_| true),
                "unfiltered: every point but the stale ones"
            );
        }
        assert!(drawn <= kept && drawn > 0, "{filter:?}");
        let max_points = store.len() / 10;
        let thinned = traffic(store, &filter, max_points);
        let k = store.len().div_ceil(max_points);
        assert_eq!(thinned.keep_one_in as usize, k);
        assert_eq!(thinned.pieces.len(), whole.pieces.len(), "{filter:?}: thinning keeps every piece");
        for (thin, full) in thinned.pieces.iter().zip(&whole.pieces) {
            assert_eq!((thin.first(), thin.last()), (full.first(), full.last()), "pieces keep their ends");
            // The first point and every k-th after it, and the last when it is not one of those.
            assert_eq!(thin.len(), full.len().div_ceil(k) + usize::from((full.len() - 1) % k != 0));
        }
    }
    // Unthinned, one aircraft's traffic is its track.
    let address = store.aircraft().iter().find_map(|aircraft| aircraft.address.clone()).expect("an aircraft");
    let only = PointFilter { address: Some(Pattern::new(&address)), ..PointFilter::default() };
    assert_eq!(traffic(store, &only, usize::MAX).pieces, track_of(store, &address));
}

/// Points of the legs `in_legs` accepts that readsb marked stale.
fn stale_points(store: &PointStore, in_legs: impl Fn(u32) -> bool) -> u64 {
    store
        .leg_points()
        .filter(|(leg, _)| in_legs(*leg))
        .flat_map(|(_, points)| points)
        .filter(|&point| store.states()[store.state_of(point) as usize].stale)
        .count() as u64
}
