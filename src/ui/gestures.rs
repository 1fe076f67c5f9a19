//! What pointers pressed on the map mean: one pointer drags the map (or, released where it
//! was pressed, clicks), two pinch: the map follows their midpoint and scales with their
//! distance. Positions are the pointers' client positions, in CSS pixels.

use skyhex_core::map::camera::ScreenPoint;

/// A press that moves less than this before its release is a click, not a drag.
const CLICK_SLOP_PX: f64 = 4.0;

/// How the camera should follow a pointer move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Follow {
    Pan {
        dx: f64,
        dy: f64,
    },
    /// Pan by the midpoint's move, then zoom by `zoom_delta` levels around it (`around`,
    /// a client position).
    Pinch {
        dx: f64,
        dy: f64,
        around: ScreenPoint,
        zoom_delta: f64,
    },
}

#[derive(Debug, Default)]
pub struct Gestures {
    pointers: Vec<(i32, ScreenPoint)>,
    /// Where a press that may still be a click began.
    pressed_at: Option<ScreenPoint>,
}

impl Gestures {
    pub fn down(&mut self, pointer: i32, at: ScreenPoint) {
        self.pointers.retain(|(known, _)| *known != pointer);
        self.pointers.push((pointer, at));
        // A second finger makes it a pinch, never a click.
        self.pressed_at = (self.pointers.len() == 1).then_some(at);
    }

    /// The camera's move for a pointer that moved to `at`; `None` for a pointer not pressed.
    pub fn moved(&mut self, pointer: i32, at: ScreenPoint) -> Option<Follow> {
        let before = self.pointers.clone();
        let slot = self.pointers.iter_mut().find(|(known, _)| *known == pointer)?;
        slot.1 = at;
        match (&before[..], &self.pointers[..]) {
            ([(_, from)], [_]) => Some(Follow::Pan { dx: at.x - from.x, dy: at.y - from.y }),
            ([(_, a0), (_, b0), ..], [(_, a1), (_, b1), ..]) => {
                let (mid0, mid1) = (midpoint(*a0, *b0), midpoint(*a1, *b1));
                let (span0, span1) = (distance(*a0, *b0), distance(*a1, *b1));
                let zoom_delta = if span0 > 0.0 && span1 > 0.0 { (span1 / span0).log2() } else { 0.0 };
                Some(Follow::Pinch { dx: mid1.x - mid0.x, dy: mid1.y - mid0.y, around: mid1, zoom_delta })
            }
            _ => None,
        }
    }

    /// A pointer let go (or cancelled, `at: None`); true when it ends a click.
    pub fn up(&mut self, pointer: i32, at: Option<ScreenPoint>) -> bool {
        self.pointers.retain(|(known, _)| *known != pointer);
        let pressed_at = self.pressed_at.take();
        match (pressed_at, at) {
            (Some(pressed), Some(released)) if self.pointers.is_empty() => {
                distance(pressed, released) < CLICK_SLOP_PX
            }
            _ => false,
        }
    }

    /// Whether a pointer is pressed (a drag or pinch is under way).
    pub fn is_pressed(&self) -> bool {
        !self.pointers.is_empty()
    }
}

fn midpoint(a: ScreenPoint, b: ScreenPoint) -> ScreenPoint {
    ScreenPoint::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0)
}

fn distance(a: ScreenPoint, b: ScreenPoint) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn one_pointer_drags_or_clicks() {
        let mut gestures = Gestures::default();
        gestures.down(1, ScreenPoint::new(10.0, 10.0));
        assert_eq!(gestures.moved(1, ScreenPoint::new(12.0, 11.0)), Some(Follow::Pan { dx: 2.0, dy: 1.0 }));
        assert!(gestures.up(1, Some(ScreenPoint::new(12.0, 11.0))), "moved less than the slop: a click");
        gestures.down(1, ScreenPoint::new(10.0, 10.0));
        gestures.moved(1, ScreenPoint::new(30.0, 10.0));
        assert!(!gestures.up(1, Some(ScreenPoint::new(30.0, 10.0))), "a drag");
        assert_eq!(gestures.moved(1, ScreenPoint::new(0.0, 0.0)), None, "not pressed");
    }

    #[wasm_bindgen_test]
    fn two_pointers_pinch_around_their_midpoint() {
        let mut gestures = Gestures::default();
        gestures.down(1, ScreenPoint::new(100.0, 100.0));
        gestures.down(2, ScreenPoint::new(200.0, 100.0));
        let follow = gestures.moved(2, ScreenPoint::new(300.0, 100.0));
        assert_eq!(
            follow,
            Some(Follow::Pinch {
                dx: 50.0,
                dy: 0.0,
                around: ScreenPoint::new(200.0, 100.0),
                zoom_delta: 1.0
            })
        );
        assert!(!gestures.up(2, Some(ScreenPoint::new(300.0, 100.0))), "a pinch is no click");
        assert!(gestures.is_pressed());
        assert_eq!(
            gestures.moved(1, ScreenPoint::new(110.0, 100.0)),
            Some(Follow::Pan { dx: 10.0, dy: 0.0 })
        );
        assert!(!gestures.up(1, None));
        assert!(!gestures.is_pressed());
    }
}
