//! Placing text labels so that none overlaps another: each label takes the
//! first row where its horizontal extent is free.

/// Pixels per character of the report's 10–11 px sans-serif text (an upper
/// estimate, so that estimated extents do not touch when the real ones would).
pub const CHAR_WIDTH: f64 = 6.4;

/// Rows of placed labels.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    rows: Vec<Vec<(f64, f64)>>,
}

impl Rows {
    /// Places a label of `text` starting at `x`; returns its row (0 first).
    pub fn place(&mut self, x: f64, text: &str) -> usize {
        let (from, to) = (x, x + text.chars().count() as f64 * CHAR_WIDTH + 4.0);
        let free = |row: &Vec<(f64, f64)>| row.iter().all(|(a, b)| to <= *a || from >= *b);
        let row = match self.rows.iter().position(free) {
            Some(r) => r,
            None => {
                self.rows.push(Vec::new());
                self.rows.len() - 1
            }
        };
        self.rows[row].push((from, to));
        row
    }

    /// How many rows are in use.
    pub fn count(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_labels_go_to_new_rows_and_free_space_is_reused() {
        let mut rows = Rows::default();
        assert_eq!(rows.place(0.0, "online"), 0);
        assert_eq!(rows.place(10.0, "offline"), 1);
        assert_eq!(rows.place(20.0, "network"), 2);
        assert_eq!(rows.place(200.0, "far away"), 0);
        assert_eq!(rows.count(), 3);
    }
}
