// BT21 dimensions of the meters seen in public captures ("variant A", spec §10.2): no demand-reset byte, no time
// remaining, 11 summations, 4 tiers, 0 demands, 0 present demands, 55 present values. Used only when BT21 itself
// could not be read, so BT23/BT28 still decode on those meters.
import { Bt21Dimensions } from './tables/bt21-actual-registers';

export const KNOWN_METER_BT21: Bt21Dimensions = {
  regFunc1Flags: 0,
  nbrSummations: 11,
  nbrDemands: 0,
  nbrCoinValues: 0,
  nbrOccur: 0,
  nbrTiers: 4,
  nbrPresentDemands: 0,
  nbrPresentValues: 55,
};
