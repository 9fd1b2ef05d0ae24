//! Connected components (union-find): copy families from relations,
//! near-duplicate clusters from pairs, agreeing claims from links. Shared by
//! the stages that group.

/// Connected components of `pairs` over `n` items: a label per item, the
/// smallest index of its component.
pub fn components(n: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Vec<usize> {
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut parent: Vec<usize> = (0..n).collect();
    for (a, b) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    (0..n).map(|x| root(&mut parent, x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_label_by_smallest_member() {
        assert_eq!(components(5, [(3, 1), (1, 4)]), vec![0, 1, 2, 1, 1]);
    }
}
