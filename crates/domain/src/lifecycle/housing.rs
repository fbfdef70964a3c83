//! Talent housing (人才住房, Art. 14): a unit of the register is free, allocated to a talent
//! (free residence) and either returned (free again) or gifted; the allocation is active until
//! it is gifted or returned.

use super::{Step, events, lifecycle, states, step};

states! {
    /// A housing unit's state, as `housing_units.status` spells it.
    pub enum HousingUnitState {
        Free = ("free", "空闲"),
        Allocated = ("allocated", "已分配（免费居住）"),
        Gifted = ("gifted", "已赠予"),
    }
}

events! {
    pub enum HousingUnitEvent {
        Allocate = "分配",
        Gift = "赠予",
        Return = "退回",
    }
}

const UNIT_TABLE: &[Step<HousingUnitState, HousingUnitEvent>] = &[
    step(
        HousingUnitState::Free,
        HousingUnitEvent::Allocate,
        HousingUnitState::Allocated,
    ),
    step(
        HousingUnitState::Allocated,
        HousingUnitEvent::Gift,
        HousingUnitState::Gifted,
    ),
    step(
        HousingUnitState::Allocated,
        HousingUnitEvent::Return,
        HousingUnitState::Free,
    ),
];

lifecycle!(
    HousingUnitState,
    HousingUnitEvent,
    "人才住房",
    initial: HousingUnitState::Free,
    terminal: &[HousingUnitState::Gifted],
    table: UNIT_TABLE,
);

states! {
    /// An allocation's state, as `housing_allocations.status` spells it.
    pub enum AllocationState {
        Active = ("active", "免费居住中"),
        Gifted = ("gifted", "已赠予"),
        Returned = ("returned", "已退回"),
    }
}

impl AllocationState {
    /// Whether the talent holds the unit under it (living in it or given it).
    pub fn holds_the_unit(self) -> bool {
        matches!(self, AllocationState::Active | AllocationState::Gifted)
    }
}

events! {
    pub enum AllocationEvent {
        /// The unit is given to the talent after the years of service.
        Gift = "赠予",
        /// The unit is handed back.
        Return = "退回",
    }
}

const ALLOCATION_TABLE: &[Step<AllocationState, AllocationEvent>] = &[
    step(AllocationState::Active, AllocationEvent::Gift, AllocationState::Gifted),
    step(
        AllocationState::Active,
        AllocationEvent::Return,
        AllocationState::Returned,
    ),
];

lifecycle!(
    AllocationState,
    AllocationEvent,
    "住房分配",
    initial: AllocationState::Active,
    terminal: &[AllocationState::Gifted, AllocationState::Returned],
    table: ALLOCATION_TABLE,
);
